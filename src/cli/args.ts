/**
 * Arguments, by `node:util.parseArgs` (strict, positionals allowed), from one flag table per command.
 *
 * A command declares its flags once, in a `Command` (name, type, value placeholder, one line of help,
 * optional short alias); the parser's configuration and the command's `--help` text are both made from
 * it, so they cannot drift apart. Anything not in the table is a usage error (exit 2) with one clear
 * line; `--help` / `-h` anywhere before `--` asks for the usage text instead (exit 0, see main.ts).
 *
 *   export const MERGE = command({
 *     name: 'merge',
 *     args: 'FILE...',
 *     summary: 'merge check reports into one',
 *     flags: { json: { type: 'boolean', help: 'print the report as JSON' }, out: OUT_FLAG, force: FORCE_FLAG },
 *   });
 *   const { flags, positionals } = parseCommand(MERGE, argv); // flags.json: boolean | undefined
 */
import { parseArgs as parseNodeArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `sbsim CMD --help`: not an error, but it ends the command the same way; main() prints `text`, exit 0. */
export class HelpRequest extends Error {
  override readonly name = 'HelpRequest';
  constructor(readonly text: string) {
    super(text);
  }
}

export type FlagKind = 'boolean' | 'string' | 'int' | 'number';

export interface Flag {
  readonly type: FlagKind;
  /** The value's placeholder in the usage text (`N`, `FILE`, `text|html`); not for booleans. */
  readonly value?: string;
  /** What the flag does, in one line. */
  readonly help: string;
  /** A one-letter alias (`-o`). `h` is taken by help. */
  readonly short?: string;
}

export type FlagTable = Readonly<Record<string, Flag>>;

export interface Command<F extends FlagTable = FlagTable> {
  /** As typed after `sbsim`. */
  readonly name: string;
  /** The positional arguments in the synopsis: `FILE`, `[SCENARIO]`. */
  readonly args?: string;
  /** What the command does, in a line or two. */
  readonly summary: string;
  readonly flags: F;
  /** Lines after the options: what values mean, defaults that need more than a line. */
  readonly notes?: readonly string[];
}

type ValueOf<K extends FlagKind> = K extends 'boolean' ? boolean : K extends 'string' ? string : number;

/** The flags given, typed by the table: booleans true, strings non-empty, ints whole numbers. */
export type FlagValues<F extends FlagTable> = { -readonly [N in keyof F]?: ValueOf<F[N]['type']> };

export interface Parsed<F extends FlagTable> {
  readonly flags: FlagValues<F>;
  readonly positionals: string[];
}

/** Declares a command; the identity, typed so that `parseCommand` knows each flag's value type. */
export function command<const F extends FlagTable>(spec: Command<F>): Command<F> {
  if ('help' in spec.flags || Object.values(spec.flags).some((f) => f.short === 'h'))
    throw new Error(`sbsim ${spec.name}: --help and -h are every command's own`);
  return spec;
}

const HELP_FLAG: Flag = { type: 'boolean', short: 'h', help: 'print this help and exit' };

/** Parse `argv` by the command's table. Throws UsageError (exit 2) or HelpRequest (exit 0). */
export function parseCommand<F extends FlagTable>(spec: Command<F>, argv: readonly string[]): Parsed<F> {
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h'))
    throw new HelpRequest(usage(spec));
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, f]) => [
      name,
      {
        type: f.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(f.short ? { short: f.short } : {}),
      },
    ]),
  );
  const args = joinNegativeNumbers(argv, spec.flags);
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseNodeArgs({ args, options, strict: true, allowPositionals: true }));
  } catch (e) {
    if (!(e instanceof Error && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'))) throw e;
    throw new UsageError(diagnose(spec, args, options) ?? `sbsim ${spec.name}: ${e.message.split('\n')[0]}`);
  }
  const flags: Record<string, string | number | boolean> = {};
  for (const [name, raw] of Object.entries(values)) {
    const flag = spec.flags[name];
    if (flag === undefined || raw === undefined) continue;
    flags[name] = valueOf(spec.name, name, flag, raw);
  }
  return { flags: flags as FlagValues<F>, positionals };
}

function valueOf(commandName: string, name: string, flag: Flag, raw: string | boolean): string | number | boolean {
  if (typeof raw === 'boolean' || flag.type === 'boolean') return true;
  if (raw === '') throw new UsageError(`sbsim ${commandName}: --${name} needs a value`);
  if (flag.type === 'string') return raw;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (flag.type === 'int' && !Number.isInteger(value)))
    throw new UsageError(
      `sbsim ${commandName}: --${name} takes ${flag.type === 'int' ? 'a whole number' : 'a number'}, not "${raw}"`,
    );
  return value;
}

/**
 * `--seed -1` → `--seed=-1` for numeric flags: parseArgs takes a value that starts with a dash for a
 * forgotten value, but a negative number is a value (and is then refused, or not, by the command's range).
 */
function joinNegativeNumbers(argv: readonly string[], flags: FlagTable): string[] {
  const byShort = new Map(Object.entries(flags).flatMap(([name, f]) => (f.short ? [[`-${f.short}`, name]] : [])));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : byShort.get(arg);
    const kind = name === undefined ? undefined : flags[name]?.type;
    const next = argv[i + 1];
    if ((kind === 'int' || kind === 'number') && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The first thing wrong with `args`, in words; undefined if parseArgs's complaint is something else. */
function diagnose(
  spec: Command,
  args: readonly string[],
  options: Record<string, { type: 'boolean' | 'string'; short?: string }>,
): string | undefined {
  const { tokens } = parseNodeArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const prefix = `sbsim ${spec.name}:`;
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const flag = spec.flags[t.name];
    if (!flag) {
      const known = Object.keys(spec.flags)
        .map((k) => `--${k}`)
        .join(', ');
      return `${prefix} unknown option ${t.rawName}${known ? ` (known: ${known})` : ''}`;
    }
    if (flag.type === 'boolean' && t.value !== undefined) return `${prefix} --${t.name} takes no value`;
    if (flag.type !== 'boolean' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-'))))
      return `${prefix} --${t.name} needs a value${t.value === undefined ? '' : ` (one that starts with "-" is given as --${t.name}=${t.value})`}`;
  }
  return undefined;
}

/** The `--help` text of a command, made from its table. */
export function usage(spec: Command): string {
  const rows = [...Object.entries(spec.flags), ['help', HELP_FLAG] as const].map(([name, f]) => {
    const value = f.type === 'boolean' ? '' : ` ${f.value ?? (f.type === 'string' ? 'VALUE' : 'N')}`;
    return [`${f.short ? `-${f.short}, ` : '    '}--${name}${value}`, f.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `Usage: sbsim ${spec.name}${spec.args ? ` ${spec.args}` : ''} [options]`,
    '',
    ...(spec.summary ? [...spec.summary.split('\n').map((l) => `  ${l}`), ''] : []),
    'Options:',
    ...rows.flatMap(([left, help]) =>
      wrap(help, Math.max(30, USAGE_WIDTH - width - 4)).map((line, i) =>
        `  ${(i === 0 ? left : '').padEnd(width)}  ${line}`.trimEnd(),
      ),
    ),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
  ].join('\n');
}

/** The usage text's width: a help line longer than that continues under itself. */
const USAGE_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
