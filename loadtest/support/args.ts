/**
 * The command line of every load-test program, read one way: node:util `parseArgs` (strict:
 * an unknown flag, a missing value or a stray argument is refused), checks that throw a
 * {@link UsageError}, and one exit for them ({@link parseOrExit}): the program's name, the
 * message and its usage on stderr, exit code 2. `--help` is every program's, and prints the
 * usage on stdout (exit code 0).
 *
 * @example
 *   const opts = parseOrExit("bench:startup", USAGE, () => {
 *     const values = readFlags(process.argv.slice(2), { runs: { type: "string" } });
 *     return { runs: number("runs", values.runs, 5, 1, 50) };
 *   });
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line that cannot be run; `help` when --help asked for the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

type Flags = NonNullable<ParseArgsConfig["options"]>;

/**
 * The flags of `argv` (strict; `--help` added). parseArgs's own complaints become usage
 * errors, and `--help` throws the help request.
 * @example readFlags(["--bots", "4"], { bots: { type: "string" } }).bots // "4"
 */
export function readFlags<const F extends Flags>(argv: string[], flags: F): FlagValues<F> {
  const values = strictParse(argv, flags);
  if ((values as { help?: boolean }).help) throw new UsageError("", true);
  return values;
}

const HELP = { help: { type: "boolean", short: "h" } } as const;
type StrictConfig<F extends Flags> = { args: string[]; options: F & typeof HELP; strict: true; allowPositionals: false };
/** What readFlags gives for `flags`: strings, booleans or arrays of them, as parseArgs types them. */
export type FlagValues<F extends Flags> = ReturnType<typeof parseArgs<StrictConfig<F>>>["values"];

function strictParse<F extends Flags>(argv: string[], flags: F): FlagValues<F> {
  try {
    return parseArgs<StrictConfig<F>>({ args: argv, options: { ...flags, ...HELP }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The flags among `argv` that a program knows, leaving every other one alone (the bot's
 * command line is mostly @colyseus/loadtest's): not strict, values as given.
 */
export function readKnownFlags<const F extends Flags>(argv: string[], flags: F): Partial<Record<keyof F, string | boolean>> {
  return parseArgs({ args: argv, options: flags, strict: false, allowPositionals: true }).values as Partial<Record<keyof F, string | boolean>>;
}

/**
 * A number flag: `fallback` when absent, else a number from `min` to `max` (whole unless
 * `whole` is false); anything else is a usage error.
 * @example number("bots", "40", 100, 1, 5000) // 40
 */
export function number(flag: string, raw: string | undefined, fallback: number, min: number, max = Infinity, whole = true): number {
  if (raw === undefined) return fallback;
  const v = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(v) || (whole && !Number.isInteger(v)) || v < min || v > max) {
    const range = Number.isFinite(max) ? `from ${min} to ${max}` : `≥ ${min}`;
    throw new UsageError(`--${flag} must be ${whole ? "a whole number" : "a number"} ${range} (got "${raw}")`);
  }
  return v;
}

/**
 * A flag with a few allowed values: `fallback` when absent.
 * @example oneOf("store", "mongo", "memory", ["memory", "mongo"]) // "mongo"
 */
export function oneOf<T extends string>(flag: string, raw: string | undefined, fallback: T, allowed: readonly T[]): T {
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${raw}")`);
  return raw as T;
}

/**
 * Runs `parse` (a program's reading of its command line): a usage error prints the message
 * and the usage and exits 2; --help prints the usage and exits 0; other errors are thrown on.
 */
export function parseOrExit<T>(program: string, usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    process.stderr.write(`${program}: ${err.message}\n${usage}\n`);
    process.exit(2);
  }
}
