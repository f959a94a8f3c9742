/**
 * `sbsim replay` and the replay file of `sbsim check`, through their command functions: exit 1 when the
 * violation reproduces, 0 when the schedule runs clean, 2 for bad input and divergence — with one line
 * on stderr and no escape codes when colour is off.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/check.ts';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { replayCommand } from '../../src/cli/replay.ts';
import { formatReplayFile } from '../../src/replay/format.ts';
import { readReplayFile } from '../../src/replay/read.ts';
import { clone, m03File, m03Text, tempDir } from './fixture.ts';

const ESC = '\u001b';

function fileWith(text: string, name = 'f.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('sbsim replay', () => {
  it('exit 1 when the violation reproduces: the story, the marked step, the rule and its source, no colour', () => {
    const io = bufferIo();
    const path = fileWith(m03Text());
    expect(replayCommand([path], io)).toBe(EXIT_VIOLATION);
    const out = io.stdout.join('\n');
    expect(out).not.toContain(ESC);
    expect(io.stderr).toEqual([]);
    expect(out).toContain(`Replay of ${path}`);
    expect(out).toContain('found by seed 7 against mutant M03 (abandon-to-tail)');
    expect(out).toMatch(
      /▶ t=\s*10ms\s+#11 +✉ session:q\/s1 req.receive .* — s1#2 delivered to consumer:c1, delivery count 0/,
    );
    expect(out).toMatch(/lock s1@1 on s1 released by close \(consumer:c1\) ⇒ s1 free/);
    expect(out).toMatch(/⇒ s1 held by consumer:c1/);
    expect(out).toMatch(/s1#1 active again after abandon, delivery count 1/);
    expect(out).toContain('✗ fifo-delivery is violated at step #11 (▶), t=10ms.');
    expect(out).toContain('The rule: A session hands out its first still-active message, in sequence order.');
    expect(out).toMatch(/Source \(docs\/semantics\.md\): T4: /);
    expect(out).toContain('Reproduced: the same violation as recorded.');
  });

  it('colour when the terminal takes it', () => {
    const io = { ...bufferIo(), color: true };
    const stdout: string[] = [];
    expect(replayCommand([fileWith(m03Text())], { ...io, out: (t) => stdout.push(t) })).toBe(EXIT_VIOLATION);
    expect(stdout.join('\n')).toContain(ESC);
  });

  it('exit 0 when the schedule now runs clean: the bug is fixed, and it says so', () => {
    const file = clone(m03File());
    const io = bufferIo();
    expect(
      replayCommand(
        [fileWith(formatReplayFile({ ...file, mutant: null, workload: { ...file.workload, mutant: null } }))],
        io,
      ),
    ).toBe(EXIT_OK);
    expect(io.stdout.join('\n')).toContain('✓ The schedule now runs clean: every property holds.');
  });

  it('--format json: outcome, violation, decisions and trace, parseable', () => {
    const io = bufferIo();
    expect(replayCommand([fileWith(m03Text()), '--format', 'json'], io)).toBe(EXIT_VIOLATION);
    const json = JSON.parse(io.stdout.join('\n')) as {
      outcome: string;
      violation: { property: string };
      decisions: unknown[];
      trace: unknown[];
    };
    expect(json.outcome).toBe('reproduced');
    expect(json.violation.property).toBe('fifo-delivery');
    expect(json.decisions).toHaveLength(2);
    expect(json.trace.length).toBeGreaterThan(100);
  });

  it('--format html: the timeline with the violation marked, and beside it the charts with the transitions the run took', () => {
    const io = bufferIo();
    expect(replayCommand([fileWith(m03Text()), '--format', 'html'], io)).toBe(EXIT_VIOLATION);
    const html = io.stdout.join('\n');
    expect(html).toMatch(/class="mark [a-z -]*violation"/);
    const aside = html.slice(html.indexOf('<aside class="charts">'));
    expect(aside).toContain('data-machine="session"');
    expect(aside).toMatch(/class="tr taken/);
  });

  it('--out writes the output to a new file, over an existing one only with --force', () => {
    const dir = tempDir();
    const src = join(dir, 'f.json');
    writeFileSync(src, m03Text());
    const out = join(dir, 'story.txt');
    const io = bufferIo();
    expect(replayCommand([src, '--out', out], io)).toBe(EXIT_VIOLATION);
    expect(io.stdout).toEqual([]);
    expect(readFileSync(out, 'utf8')).toContain('Reproduced');
    const again = bufferIo();
    expect(replayCommand([src, '--out', out], again)).toBe(EXIT_USAGE);
    expect(again.stderr).toEqual([`sbsim replay: ${out} already exists; not overwriting it (--force replaces it)`]);
    writeFileSync(out, 'mine');
    expect(replayCommand([src, '--out', out, '--force'], bufferIo())).toBe(EXIT_VIOLATION);
    expect(readFileSync(out, 'utf8')).toContain('Reproduced');
    expect(readdirSync(dir).sort()).toEqual(['f.json', 'story.txt']);
  });

  it('exit 2 for a missing, malformed, truncated or newer file, with one line on stderr', () => {
    const cases: [string, RegExp][] = [
      [join(tempDir(), 'nope.json'), /no such file/],
      [fileWith('{"format": "sbsim-replay", "formatVersion": 1}'), /\$\.tool is missing/],
      [fileWith(m03Text().slice(0, 300)), /cut short/],
      [
        fileWith(m03Text().replace('"formatVersion": 2', '"formatVersion": 3')),
        /version 3; this sbsim reads version 2 only/,
      ],
      [fileWith('not json'), /not JSON/],
    ];
    for (const [path, message] of cases) {
      const io = bufferIo();
      expect(replayCommand([path], io), path).toBe(EXIT_USAGE);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^sbsim replay: /);
      expect(io.stderr[0]).toMatch(message);
    }
  });

  it('exit 2 when the model changed under the file: which decision diverged, and why', () => {
    const file = clone(m03File());
    const decisions = file.decisions.map((d) =>
      d.i === 1 ? { ...d, label: 'mail entity:q <- req.accept from consumer:c7' } : d,
    );
    const io = bufferIo();
    expect(replayCommand([fileWith(formatReplayFile({ ...file, decisions }))], io)).toBe(EXIT_USAGE);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(
      /the model changed: replay diverged at decision 1 \(step \d+, t=0ms\): recorded schedule "deliver" picked "mail entity:q <- req.accept from consumer:c7", which the model no longer offers/,
    );
  });

  it('exit 2 for bad usage', () => {
    const path = fileWith(m03Text());
    for (const argv of [[], [path, path], [path, '--format', 'svg'], [path, '--colour']]) {
      const io = bufferIo();
      expect(replayCommand(argv, io), argv.join(' ')).toBe(EXIT_USAGE);
      expect(io.stderr).toHaveLength(1);
    }
  });
});

describe('sbsim check writes a replay file', () => {
  const check = (dir: string, extra: string[] = []) => {
    const io = bufferIo();
    const code = checkCommand(
      [
        '--mutant',
        'M07',
        '--seed',
        '3',
        '--runs',
        '200',
        '--shrink-time',
        '20',
        '--out',
        join(dir, 'cx.json'),
        ...extra,
      ],
      io,
    );
    return { io, code };
  };

  it('on a violation: verified, written, and the path and the replay command printed last; the file replays', () => {
    const dir = tempDir();
    const { io, code } = check(dir);
    expect(code).toBe(EXIT_VIOLATION);
    const path = join(dir, 'cx.json');
    expect(io.stdout.at(-1)).toBe(`Replay file: ${path}\n  sbsim replay ${path}`);
    const { file, warnings } = readReplayFile(path);
    expect(warnings).toEqual([]);
    expect(file.mutant).toBe('M07');
    expect(file.workload.mutant).toBe('M07');
    expect(file.search.seed).toBe(3);
    const replayed = bufferIo();
    expect(replayCommand([path], replayed)).toBe(EXIT_VIOLATION);
    expect(replayed.stdout.join('\n')).toContain('Reproduced');
  });

  it('an existing --out is refused before the search, untouched; --force replaces it; --json carries the path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cx.json'), 'mine');
    expect(() => check(dir, ['--json'])).toThrow(
      `sbsim check: ${join(dir, 'cx.json')} already exists; not overwriting it (--force replaces it)`,
    );
    expect(readFileSync(join(dir, 'cx.json'), 'utf8')).toBe('mine');
    const { io, code } = check(dir, ['--json', '--force']);
    expect(code).toBe(EXIT_VIOLATION);
    const json = JSON.parse(io.stdout.join('\n')) as { replayFile: string };
    expect(json.replayFile).toBe(join(dir, 'cx.json'));
    expect(readReplayFile(json.replayFile).file.mutant).toBe('M07');
    expect(readdirSync(dir)).toEqual(['cx.json']);
  });

  it('the default name is never replaced: the next free -2 is written, and said', () => {
    const dir = tempDir();
    const taken = join(dir, 'sbsim-failure-ttl-3.json');
    writeFileSync(taken, 'mine');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const io = bufferIo();
      const code = checkCommand(['--mutant', 'M07', '--seed', '3', '--runs', '200', '--shrink-time', '20'], io);
      expect(code).toBe(EXIT_VIOLATION);
      expect(io.stderr.join('\n')).toContain(
        'sbsim-failure-ttl-3.json already exists; wrote sbsim-failure-ttl-3-2.json instead',
      );
      expect(readFileSync(taken, 'utf8')).toBe('mine');
      expect(readdirSync(dir).sort()).toEqual(['sbsim-failure-ttl-3-2.json', 'sbsim-failure-ttl-3.json']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a workload file with a field the replay format does not know is refused before the search', () => {
    const path = fileWith(
      JSON.stringify({ messages: [{ messageId: 'm1', sessionId: 's1', note: 'hi' }], consumers: [{ id: 'c1' }] }),
      'w.json',
    );
    expect(() => checkCommand(['--workload', path, '--runs', '1'], bufferIo())).toThrow(
      /workload .*w\.json: \$\.messages\[0\]\.note is not a field sbsim knows/,
    );
  });

  it('--out into a directory that does not exist is a usage error before any search', () => {
    expect(() => checkCommand(['--runs', '1', '--out', join(tempDir(), 'no', 'cx.json')], bufferIo())).toThrow(
      /no directory/,
    );
  });
});
