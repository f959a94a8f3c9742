/**
 * Output, the same in every command that writes: --out refuses an existing file unless --force, never a
 * directory or a device, and an output that cannot be written — a bad --out, or stdout itself (a closed
 * pipe, a full disk) — ends with one line and exit 2: no stack trace, never exit 0 or 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { m03Text } from '../replay/fixture.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const BIN = fileURLToPath(new URL('../../bin/sbsim.js', import.meta.url));
const linux = process.platform === 'linux';

describe('--out and --force, in every command that writes a file', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sbsim-out-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Each command that takes --out, with what it writes there and the exit code of a good write. */
  const writers = (): { argv: string[]; code: number }[] => {
    const replayFile = join(dir, 'm03.json');
    writeFileSync(replayFile, m03Text());
    return [
      { argv: ['teach', 'abandon'], code: EXIT_OK },
      { argv: ['machines', 'lock'], code: EXIT_OK },
      { argv: ['replay', replayFile], code: EXIT_VIOLATION },
      { argv: ['run', '--workload', 'demo'], code: EXIT_OK },
    ];
  };

  it('an existing file: refused without --force (exit 2, one line, untouched), replaced with it, no temporary file left', async () => {
    for (const { argv, code } of writers()) {
      const out = join(dir, 'out.txt');
      writeFileSync(out, 'mine');
      const refused = await sbsim(...argv, '--out', out);
      expect(refused.code, argv[0]).toBe(EXIT_USAGE);
      expect(refused.err, argv[0]).toBe(
        `sbsim ${argv[0]}: ${out} already exists; not overwriting it (--force replaces it)`,
      );
      expect(readFileSync(out, 'utf8')).toBe('mine');
      const forced = await sbsim(...argv, '--out', out, '--force');
      expect(forced.code, `${argv[0]}: ${forced.err}`).toBe(code);
      expect(readFileSync(out, 'utf8'), argv[0]).not.toBe('mine');
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      rmSync(out);
    }
  });

  it('check: an explicit --out that exists is refused before the search', async () => {
    const out = join(dir, 'cx.json');
    writeFileSync(out, 'mine');
    const r = await sbsim('check', '--runs', '1', '--out', out);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toBe(`sbsim check: ${out} already exists; not overwriting it (--force replaces it)`);
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });

  it('a directory, a device, a missing directory, or --force without --out: exit 2, one line, even with --force', async () => {
    const commands = [...writers().map((w) => w.argv), ['check', '--runs', '1']];
    const targets = [dir, join(dir, 'missing', 'x.txt'), ...(linux ? ['/dev/null'] : [])];
    for (const argv of commands) {
      for (const out of targets) {
        const r = await sbsim(...argv, '--out', out, '--force');
        expect(r.code, `${argv[0]} --out ${out}`).toBe(EXIT_USAGE);
        expect(r.err.split('\n'), `${argv[0]} --out ${out}`).toHaveLength(1);
        expect(r.err).toMatch(new RegExp(`^sbsim ${argv[0]}: `));
        expect(r.out).toBe('');
      }
      const force = await sbsim(...argv, '--force');
      expect(force.code, `${argv[0]} --force`).toBe(EXIT_USAGE);
      expect(force.err).toBe(`sbsim ${argv[0]}: --force applies to --out FILE`);
    }
    if (linux) expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it.runIf(linux)('a path that cannot be written (in /proc): exit 2, one line, no stack trace', async () => {
    for (const argv of [
      ['teach', 'abandon'],
      ['run', '--workload', 'demo'],
    ]) {
      const r = await sbsim(...argv, '--out', '/proc/sbsim-out.txt');
      expect(r.code, argv[0]).toBe(EXIT_USAGE);
      expect(r.err, argv[0]).toMatch(new RegExp(`^sbsim ${argv[0]}: cannot write /proc/sbsim-out\\.txt: [^\\n]+$`));
    }
  });

  it.runIf(linux)(
    'check: a replay file that cannot be written is exit 2, not 1 (the promised file is missing)',
    async () => {
      const r = await sbsim(
        'check',
        ...['--mutant', 'M07', '--seed', '3', '--runs', '200', '--json', '--out', '/proc/sbsim-cx.json'],
      );
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^sbsim check: (cannot|could not) write .*\/proc\/sbsim-cx\.json/);
    },
  );
});

describe('stdout that cannot be written', () => {
  it.runIf(linux)('a full disk (/dev/full): one line on stderr, exit 2', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, 'teach', '--list'], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      expect(r.status).toBe(EXIT_USAGE);
      expect(r.stderr).toBe('sbsim: cannot write the output: no space left on the device (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });

  it('a pipe closed by its reader: one line on stderr, exit 2, not the exit code of the command', async () => {
    const child = spawn(process.execPath, [BIN, 'teach', '--list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command has started: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(status).toBe(EXIT_USAGE);
    expect(stderr).toBe('sbsim: cannot write the output: the reader closed the pipe (EPIPE)\n');
  });
});
