/**
 * `sbsim COMMAND --help`, `-h` and `sbsim help COMMAND`: each command's usage, made from its flag table,
 * on stdout with exit 0, without doing the command's work; and the overview (`sbsim help`) names only
 * flags the commands have.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/args.ts';
import { usage } from '../../src/cli/args.ts';
import { BENCH } from '../../src/cli/bench.ts';
import { CHECK } from '../../src/cli/check.ts';
import { bufferIo, EXIT_OK } from '../../src/cli/io.ts';
import { MACHINES } from '../../src/cli/machines.ts';
import { main } from '../../src/cli/main.ts';
import { MUTANTS_COMMAND } from '../../src/cli/mutants.ts';
import { REPLAY } from '../../src/cli/replay.ts';
import { MERGE } from '../../src/cli/merge.ts';
import { RUN } from '../../src/cli/run.ts';
import { TEACH } from '../../src/cli/teach.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const COMMANDS: readonly Command[] = [CHECK, MERGE, REPLAY, MUTANTS_COMMAND, RUN, TEACH, MACHINES, BENCH];

/** The overview's section of each command: from its `  sbsim NAME` line to the next one or a blank line. */
function overviewSections(help: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const head = /^ {2}sbsim ([a-z]+)/.exec(line);
    if (head) {
      current = head[1];
      sections.set(current ?? '', line);
    } else if (line.trim() === '') current = undefined;
    else if (current !== undefined) sections.set(current, `${sections.get(current)}\n${line}`);
  }
  return sections;
}

describe('sbsim COMMAND --help', () => {
  it('every command: --help, -h and `sbsim help COMMAND` print the usage made from its table, exit 0', async () => {
    for (const command of COMMANDS) {
      const expected = usage(command);
      for (const argv of [
        [command.name, '--help'],
        [command.name, '-h'],
        ['help', command.name],
      ]) {
        const r = await sbsim(...argv);
        expect(r.code, argv.join(' ')).toBe(EXIT_OK);
        expect(r.out, argv.join(' ')).toBe(expected);
        expect(r.err, argv.join(' ')).toBe('');
      }
      for (const name of Object.keys(command.flags)) expect(expected).toContain(`--${name}`);
    }
  });

  it('--help wins over a mistake, and a command given --help does not run (bench would take half a minute)', async () => {
    const r = await sbsim('check', '--runs', 'many', '--mutant', 'M99', '--help');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out.split('\n')[0]).toBe('Usage: sbsim check [options]');
    expect((await sbsim('bench', '-h')).out).toBe(usage(BENCH));
  });

  it('each usage names the positionals and --force where there is --out', () => {
    expect(usage(REPLAY).split('\n')[0]).toBe('Usage: sbsim replay FILE [options]');
    expect(usage(TEACH).split('\n')[0]).toBe('Usage: sbsim teach [SCENARIO] [options]');
    for (const command of COMMANDS)
      if ('out' in command.flags) expect(Object.keys(command.flags), command.name).toContain('force');
  });

  it('sbsim help with an unknown command: exit 2, one line', async () => {
    const r = await sbsim('help', 'frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toBe('sbsim: unknown command "frobnicate" (try: sbsim help)');
  });
});

describe('sbsim help (the overview)', () => {
  it('has a section for every command, and every flag a section names is one its command has', async () => {
    const overview = (await sbsim('help')).out;
    const sections = overviewSections(overview);
    for (const command of COMMANDS) expect([...sections.keys()], command.name).toContain(command.name);
    for (const [name, text] of sections) {
      if (name === 'help') continue;
      const own = await sbsim(name, '--help');
      expect(own.code, `sbsim ${name} --help`).toBe(EXIT_OK);
      for (const flag of new Set(text.match(/--[a-z][a-z-]*/g) ?? []))
        expect(own.out, `the overview's ${flag} for sbsim ${name}`).toMatch(
          new RegExp(`^ +(-[a-z], )?${flag}\\b`, 'm'),
        );
    }
  });

  it("says how to get a command's options, and that --out needs --force to replace a file", async () => {
    const overview = (await sbsim('help')).out;
    expect(overview).toContain('sbsim COMMAND --help');
    expect(overview).toContain('--force');
  });
});
