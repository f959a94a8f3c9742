/**
 * The argument parser (src/cli/args.ts): node:util.parseArgs driven by one flag table per command, which
 * also makes the command's --help, so the two cannot drift.
 */
import { describe, expect, it } from 'vitest';
import { HelpRequest, UsageError, command, parseCommand, usage } from '../../src/cli/args.ts';

const DEMO = command({
  name: 'demo',
  args: '[FILE]',
  summary: 'a command for the tests',
  flags: {
    seed: { type: 'int', value: 'N', help: 'the seed' },
    time: { type: 'number', value: 'S', help: 'seconds' },
    out: { type: 'string', value: 'FILE', help: 'where', short: 'o' },
    json: { type: 'boolean', help: 'as JSON' },
  },
  notes: ['A note after the options.'],
});

const parse = (...argv: string[]) => parseCommand(DEMO, argv);

/** The message of the UsageError that parsing `argv` throws. */
function refusal(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
}

describe('parseCommand', () => {
  it('--flag value and --flag=value are the same; values are typed by the table', () => {
    const a = parse('--seed', '7', '--time', '1.5', '--out', 'x.json', '--json', 'file');
    const b = parse('--seed=7', '--time=1.5', '--out=x.json', '--json', 'file');
    expect(a).toEqual({ flags: { seed: 7, time: 1.5, out: 'x.json', json: true }, positionals: ['file'] });
    expect(b).toEqual(a);
    expect(parse('-o', 'y.json').flags).toEqual({ out: 'y.json' });
  });

  it('a negative number is a value of a numeric flag (the command then judges its range)', () => {
    expect(parse('--seed', '-1').flags.seed).toBe(-1);
    expect(parse('--time', '-.5').flags.time).toBe(-0.5);
  });

  it('after --, everything is a positional, --help too', () => {
    expect(parse('--', '--json', '-h').positionals).toEqual(['--json', '-h']);
  });

  it('each mistake is one clear line naming the command and the flag', () => {
    expect(refusal('--bogus')).toBe('sbsim demo: unknown option --bogus (known: --seed, --time, --out, --json)');
    expect(refusal('-x')).toMatch(/^sbsim demo: unknown option -x \(known: /);
    expect(refusal('--seed', 'x')).toBe('sbsim demo: --seed takes a whole number, not "x"');
    expect(refusal('--seed=2.5')).toBe('sbsim demo: --seed takes a whole number, not "2.5"');
    expect(refusal('--time', 'soon')).toBe('sbsim demo: --time takes a number, not "soon"');
    expect(refusal('--time=')).toBe('sbsim demo: --time needs a value');
    expect(refusal('--out')).toBe('sbsim demo: --out needs a value');
    expect(refusal('--out=')).toBe('sbsim demo: --out needs a value');
    expect(refusal('--out', '--json')).toBe(
      'sbsim demo: --out needs a value (one that starts with "-" is given as --out=--json)',
    );
    expect(refusal('--json=yes')).toBe('sbsim demo: --json takes no value');
  });

  it('--help or -h anywhere before -- asks for the usage, whatever else is wrong', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '-h'], ['--seed', 'x', '--help']]) {
      expect(() => parse(...argv), argv.join(' ')).toThrow(HelpRequest);
    }
    try {
      parse('-h');
    } catch (e) {
      expect((e as HelpRequest).text).toBe(usage(DEMO));
    }
  });

  it('the usage is made from the table: every flag, its placeholder and help, then -h, --help and the notes', () => {
    expect(usage(DEMO)).toBe(
      [
        'Usage: sbsim demo [FILE] [options]',
        '',
        '  a command for the tests',
        '',
        'Options:',
        '      --seed N    the seed',
        '      --time S    seconds',
        '  -o, --out FILE  where',
        '      --json      as JSON',
        '  -h, --help      print this help and exit',
        '',
        'A note after the options.',
      ].join('\n'),
    );
  });

  it('a long help line continues under itself', () => {
    const long = command({ name: 'x', summary: 's', flags: { a: { type: 'boolean', help: 'word '.repeat(40) } } });
    const lines = usage(long).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.filter((l) => l.includes('word')).length).toBeGreaterThan(1);
  });

  it('--help and -h belong to every command: a table cannot take them', () => {
    expect(() => command({ name: 'x', summary: '', flags: { help: { type: 'boolean', help: '' } } })).toThrow();
    expect(() =>
      command({ name: 'x', summary: '', flags: { hold: { type: 'boolean', help: '', short: 'h' } } }),
    ).toThrow();
  });
});
