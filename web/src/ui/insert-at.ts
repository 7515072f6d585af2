/** Puts a letter at the cursor of an answer field and keeps the focus there (the accent buttons). */
export function insertAt(field: HTMLInputElement | null, ch: string, set: (v: string) => void): void {
  if (!field) return;
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  const value = field.value.slice(0, start) + ch + field.value.slice(end);
  set(value);
  field.value = value;
  field.focus();
  field.setSelectionRange(start + ch.length, start + ch.length);
}
