/**
 * The command line's flag parser: each command declares its flags once (type, default, limits,
 * help text), and the same declaration parses argv, checks values and prints `--help`. Errors are
 * `UsageError`s that name the command, the flag and the value, so the user sees what to fix.
 */

/** A flag that takes a number: `--steps 25`, `--lr=0.1`, `--epsilon 1/255`. */
export interface NumberFlag {
  type: 'number';
  help: string;
  default?: number;
  /** Only whole numbers. */
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Values must be above 0. */
  positive?: boolean;
  /** The value's name in the help text (default N or X). */
  valueName?: string;
  /** How the help shows the default, when not as a plain number (`1/255`). */
  defaultText?: string;
}

/** A flag that takes a string, optionally one of `choices`: `--backend cpu`. */
export interface StringFlag {
  type: 'string';
  help: string;
  default?: string;
  choices?: readonly string[];
  valueName?: string;
}

/** A flag without a value: `--json`. */
export interface BooleanFlag {
  type: 'boolean';
  help: string;
}

/** Any flag. */
export type FlagSpec = NumberFlag | StringFlag | BooleanFlag;

/** A command's flags by name (without the leading dashes). */
export type FlagSpecs = Record<string, FlagSpec>;

/** The value a flag parses to: defaults make it always present; booleans are always present. */
type FlagValue<F> = F extends BooleanFlag
  ? boolean
  : F extends { type: 'number'; default: number }
    ? number
    : F extends NumberFlag
      ? number | undefined
      : F extends { type: 'string'; default: string }
        ? string
        : string | undefined;

/** Parsed flags, keyed like the specs. `given` lists the flags that were on the command line. */
export type ParsedFlags<F extends FlagSpecs> = { [K in keyof F]: FlagValue<F[K]> } & { readonly given: ReadonlySet<string> };

/** A command: its name, a one-line summary, its flags and a few example invocations. */
export interface CommandSpec<F extends FlagSpecs = FlagSpecs> {
  name: string;
  summary: string;
  /** Paragraphs printed under the usage line of `--help`. */
  description?: string;
  flags: F;
  examples?: readonly string[];
}

/** A mistake on the command line: printed without a stack, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The program's name in messages and help (the `bin` name). */
export const PROGRAM = 'webgpu-descent';

/**
 * Parses `argv` (the words after the command) against `spec.flags`. Accepts `--name value` and
 * `--name=value`; `-h`/`--help` is reported as `{ help: true }` before any other check so that
 * help always works. Throws a `UsageError` for unknown flags (suggesting the nearest), missing or
 * malformed values, values out of range or not among the choices, flags given twice and stray
 * words.
 */
export function parseFlags<F extends FlagSpecs>(spec: CommandSpec<F>, argv: readonly string[]): ParsedFlags<F> | { help: true } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const fail = (message: string): never => {
    throw new UsageError(`${spec.name}: ${message} (see '${PROGRAM} ${spec.name} --help')`);
  };
  const raw = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('--') || word === '--') fail(`unexpected argument '${word}'; flags start with --`);
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const flag = spec.flags[name];
    if (!flag) {
      const near = nearest(name, Object.keys(spec.flags));
      fail(`unknown flag --${name}${near ? `; did you mean --${near}?` : ''}`);
    }
    if (raw.has(name)) fail(`--${name} is given twice`);
    if (flag!.type === 'boolean') {
      if (eq >= 0) fail(`--${name} takes no value`);
      raw.set(name, true);
      continue;
    }
    let value: string | undefined = eq >= 0 ? word.slice(eq + 1) : argv[i + 1];
    // A following flag is not a value (a negative number is: --init-intercept -200).
    if (eq < 0 && (value === undefined || value.startsWith('--'))) {
      fail(`--${name} needs a value (${valueName(flag!)})`);
    }
    if (eq < 0) i++;
    raw.set(name, value!);
  }

  const out: Record<string, unknown> = { given: new Set(raw.keys()) };
  for (const [name, flag] of Object.entries(spec.flags)) {
    const value = raw.get(name);
    if (flag.type === 'boolean') out[name] = value === true;
    else if (flag.type === 'number') out[name] = value === undefined ? flag.default : parseNumberFlag(name, flag, value as string, fail);
    else out[name] = value === undefined ? flag.default : parseStringFlag(name, flag, value as string, fail);
  }
  return out as ParsedFlags<F>;
}

/** Numbers as JavaScript reads them, and fractions `a/b` (so `--epsilon 1/255` reads as written). */
export function parseNumber(text: string): number {
  const trimmed = text.trim();
  const fraction = /^([^/]+)\/([^/]+)$/.exec(trimmed);
  if (fraction) return parseNumber(fraction[1]!) / parseNumber(fraction[2]!);
  return trimmed === '' ? NaN : Number(trimmed);
}

function parseNumberFlag(name: string, flag: NumberFlag, text: string, fail: (m: string) => never): number {
  const value = parseNumber(text);
  const kind = flag.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value)) fail(`--${name} must be ${kind}, got '${text}'`);
  if (flag.integer && !Number.isInteger(value)) fail(`--${name} must be an integer, got '${text}'`);
  if (flag.positive && !(value > 0)) fail(`--${name} must be above 0, got '${text}'`);
  if (flag.min !== undefined && value < flag.min) fail(`--${name} must be ${kind} >= ${flag.min}, got '${text}'`);
  return value;
}

function parseStringFlag(name: string, flag: StringFlag, text: string, fail: (m: string) => never): string {
  if (text === '') fail(`--${name} needs a value (${valueName(flag)})`);
  if (flag.choices && !flag.choices.includes(text)) fail(`--${name} must be one of ${flag.choices.join(', ')}; got '${text}'`);
  return text;
}

function valueName(flag: NumberFlag | StringFlag): string {
  if (flag.type === 'string' && flag.choices) return flag.choices.join('|');
  return flag.valueName ?? (flag.type === 'number' ? (flag.integer ? 'N' : 'X') : 'VALUE');
}

/** The `--help` text of a command: usage, description, flags with defaults, examples. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${PROGRAM} ${spec.name} [flags]`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'flags:');
  const entries = Object.entries(spec.flags).map(([name, flag]) => {
    const left = flag.type === 'boolean' ? `--${name}` : `--${name} ${valueName(flag)}`;
    const shown = flag.type === 'number' ? (flag.defaultText ?? flag.default) : flag.type === 'string' ? flag.default : undefined;
    const def = shown !== undefined ? ` (default ${shown})` : '';
    return [left, flag.help + def] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  // Long flag names (a list of choices) get their help on the next line instead of a wide column.
  const column = Math.min(28, Math.max(...entries.map(([l]) => l.length)));
  for (const [left, right] of entries) {
    const wrapped = wrap(right, 100 - column - 4);
    if (left.length > column) lines.push(`  ${left}`, ...wrapped.map((l) => `  ${' '.repeat(column)}  ${l}`));
    else lines.push(...wrapped.map((l, i) => `  ${(i === 0 ? left : '').padEnd(column)}  ${l}`));
  }
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}


/** Splits `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** The name in `names` closest to `name` (edit distance at most 3), for "did you mean". */
function nearest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
