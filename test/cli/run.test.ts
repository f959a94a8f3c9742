/**
 * `sbsim run`: the user's own workload drawn as teach and replay draw theirs (text, mermaid, html), or as
 * JSON, to stdout or --out, with every property's verdict; exit 1 when one is violated. The seed is
 * --seed, else SBSIM_SEED, else 1.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** The workload of the M03 regression (abandon re-enqueues at the tail): fifo-delivery fails in every run. */
function m03Workload(dir: string): string {
  const file = JSON.parse(readFileSync(new URL('../regressions/M03.json', import.meta.url), 'utf8')) as {
    workload: Record<string, unknown>;
  };
  const path = join(dir, 'mine.json');
  writeFileSync(path, JSON.stringify(file.workload));
  return path;
}

describe('sbsim run', () => {
  let dir = '';
  const saved = process.env.SBSIM_SEED;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sbsim-run-'));
    delete process.env.SBSIM_SEED;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SBSIM_SEED;
    else process.env.SBSIM_SEED = saved;
  });

  it('text: the swimlane, the trace, the final state and every property holding; exit 0', async () => {
    const r = await sbsim('run', '--workload', 'demo', '--seed', '2');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('time │ broker');
    expect(r.out).toContain('holds session');
    expect(r.out).toContain('final state:');
    expect(r.out).toContain('Properties: 12 of 12 hold');
    expect(r.out).toMatch(/^ {2}✓ exclusive-lock: /m);
    expect(r.out).not.toMatch(/^ {2}✗/m);
  });

  it('a violated property: exit 1, the verdict with where it happened, and the violating step as the trace shows it', async () => {
    const r = await sbsim('run', '--workload', m03Workload(dir), '--seed', '1');
    expect(r.code).toBe(EXIT_VIOLATION);
    const verdict =
      /^ {2}✗ fifo-delivery is violated at step #(\d+), t=(\d+)ms: message s1#2 \(m2\) was delivered/m.exec(r.out);
    expect(verdict).not.toBeNull();
    const step = verdict?.[1] ?? '';
    const marked = r.out.slice((verdict?.index ?? 0) + (verdict?.[0].length ?? 0)).split('\n')[1] ?? '';
    expect(marked).toMatch(new RegExp(`^ {4}▶ t= +${verdict?.[2]}ms # +${step} `));
    expect(r.out).toMatch(/Properties: \d+ of 12 hold/);
  });

  it('--format mermaid: a diagram on stdout, the violating step marked; the verdicts on stderr', async () => {
    const r = await sbsim('run', '--workload', m03Workload(dir), '--seed', '1', '--format', 'mermaid');
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.out.startsWith('sequenceDiagram\n')).toBe(true);
    expect(r.out).toMatch(/accDescr: fifo-delivery is violated at step #?\d+/);
    expect(r.out).toContain('▶');
    expect(r.err).toContain('✗ fifo-delivery is violated');
  });

  it('--out FILE: the picture to the file (format from the extension), the verdicts to stdout, nothing left over', async () => {
    const out = join(dir, 'run.html');
    const r = await sbsim('run', '--workload', 'demo', '--seed', '3', '--out', out);
    expect(r.code).toBe(EXIT_OK);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg class="timeline"');
    expect(html).toContain('data-machine="session"');
    expect(r.out).toContain('Properties: 12 of 12 hold');
    expect(r.err).toBe(`sbsim run: wrote the html rendering of workload demo (seed 3) to ${out}`);
    expect(readdirSync(dir)).toEqual(['run.html']);
    const mmd = join(dir, 'run.mmd');
    expect((await sbsim('run', '--workload', 'demo', '--out', mmd)).code).toBe(EXIT_OK);
    expect(readFileSync(mmd, 'utf8').startsWith('sequenceDiagram\n')).toBe(true);
  });

  it('--out an existing file: refused without --force (exit 2, untouched), replaced with it', async () => {
    const out = join(dir, 'run.txt');
    writeFileSync(out, 'mine');
    const refused = await sbsim('run', '--out', out);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.err).toBe(`sbsim run: ${out} already exists; not overwriting it (--force replaces it)`);
    expect(refused.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect((await sbsim('run', '--out', out, '--force')).code).toBe(EXIT_OK);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('final state:');
    expect(text).not.toContain('\x1b');
  });

  it('--json (or --format json): the run with its violations', async () => {
    const r = await sbsim('run', '--workload', m03Workload(dir), '--seed', '1', '--json');
    expect(r.code).toBe(EXIT_VIOLATION);
    const run = JSON.parse(r.out) as { seed: number; violations: { property: string; step: number }[] };
    expect(run.seed).toBe(1);
    expect(run.violations.map((v) => v.property)).toContain('fifo-delivery');
    expect((await sbsim('run', '--workload', m03Workload(dir), '--seed', '1', '--format', 'json')).out).toBe(r.out);
  });

  it('bad usage: one line, exit 2, nothing on stdout', async () => {
    for (const argv of [
      ['--format', 'svg'],
      ['--json', '--format', 'html'],
      ['--force'],
      ['--out', join(dir, 'no', 'x.txt')],
      ['--out', dir],
    ]) {
      const r = await sbsim('run', ...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.err.split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('the seed: --seed, else SBSIM_SEED, else 1', async () => {
    const seedOf = (out: string) => /workload demo, seed (\d+):/.exec(out)?.[1];
    expect(seedOf((await sbsim('run', '--brief')).out)).toBe('1');
    process.env.SBSIM_SEED = '5';
    const fromEnv = await sbsim('run', '--brief');
    expect(seedOf(fromEnv.out)).toBe('5');
    expect(fromEnv.out).toBe((await sbsim('run', '--brief', '--seed', '5')).out);
    expect(seedOf((await sbsim('run', '--brief', '--seed', '6')).out)).toBe('6');
  });

  it('control characters in ids are shown escaped, never sent to the terminal', async () => {
    const path = join(dir, 'ids.json');
    writeFileSync(
      path,
      JSON.stringify({
        messages: [{ messageId: 'm\u0007', sessionId: 'a\u001b[31mb' }],
        consumers: [{ id: 'c\u009b1' }],
      }),
    );
    const r = await sbsim('run', '--workload', path, '--seed', '1');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('a\\u001b[31mb');
    expect(r.out).toContain('m\\u0007');
    expect(r.out).toContain('c\\u009b1');
    // The final state is JSON, escaped as JSON escapes; nothing anywhere is a raw control character.
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
