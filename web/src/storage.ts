/**
 * This device's localStorage, never throwing: in private mode or with storage full, what would
 * be kept lasts for this visit only, and the game goes on.
 */
export function readKept(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function keep(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: kept for this visit only.
  }
}

export function forget(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Private mode: nothing was kept.
  }
}
