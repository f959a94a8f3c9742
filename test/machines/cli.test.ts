/**
 * `sbsim machines`: each format on stdout, --out to a new file only, usage errors as one line and exit 2;
 * and the transition coverage in `sbsim check` (text section, --transitions, --json).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo, EXIT_OK, EXIT_USAGE } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { MachineDescription } from '../../src/machines/describe.ts';
import { MACHINE_NAMES } from '../../src/machines/registry.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'sbsim-machines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sbsim machines', () => {
  it('is in the help', async () => {
    expect((await sbsim('help')).out).toContain('sbsim machines [NAME] [--format text|mermaid|json|html]');
  });

  it('text by default: the lock as a tree', async () => {
    const r = await sbsim('machines', 'lock');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe('');
    expect(r.out).toContain('lock  machine sessionLock');
    for (const s of ['free', 'held', 'released', 'expired']) expect(r.out).toMatch(new RegExp(`[●○] ${s}\\b`));
    expect(r.out).toContain('[tokenMatches]');
  });

  it('all machines without a name, in every format', async () => {
    const text = await sbsim('machines');
    expect(text.code).toBe(EXIT_OK);
    for (const name of MACHINE_NAMES) expect(text.out).toMatch(new RegExp(`^${name} {2}machine `, 'm'));
    const mermaid = await sbsim('machines', '--format', 'mermaid');
    expect(mermaid.out.match(/^stateDiagram-v2$/gm)).toHaveLength(MACHINE_NAMES.length);
    const json = JSON.parse((await sbsim('machines', '--format', 'json')).out) as MachineDescription[];
    expect(json.map((d) => d.name)).toEqual([...MACHINE_NAMES]);
    const html = await sbsim('machines', '--format', 'html');
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out.match(/class="sbsim-chart"/g)).toHaveLength(MACHINE_NAMES.length);
  });

  it('one machine as Mermaid and as JSON (an object)', async () => {
    const mermaid = await sbsim('machines', 'lock', '--format', 'mermaid');
    expect(mermaid.out.split('\n')[0]).toBe('stateDiagram-v2');
    const json = JSON.parse((await sbsim('machines', 'lock', '--format=json')).out) as MachineDescription;
    expect(json.id).toBe('sessionLock');
    expect(json.transitions.length).toBeGreaterThan(0);
  });

  it('--out writes a new file, its format from the extension, and never overwrites', async () => {
    const out = join(dir, 'lock.html');
    const r = await sbsim('machines', 'lock', '--out', out);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toBe('');
    expect(r.err).toContain(out);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    const existing = join(dir, 'existing.mmd');
    writeFileSync(existing, 'keep');
    const again = await sbsim('machines', 'lock', '--out', existing);
    expect(again.code).toBe(EXIT_USAGE);
    expect(again.err.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(existing, 'utf8')).toBe('keep');
    const nowhere = join(dir, 'no-such-dir', 'x.txt');
    expect((await sbsim('machines', '--out', nowhere)).code).toBe(EXIT_USAGE);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('usage errors: exit 2, one line on stderr, nothing on stdout', async () => {
    for (const argv of [
      ['machines', 'bogus'],
      ['machines', 'lock', 'session'],
      ['machines', '--format', 'svg'],
      ['machines', '--bogus'],
      ['machines', '--out'],
    ]) {
      const r = await sbsim(...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
    expect((await sbsim('machines', 'bogus')).err).toBe(
      `sbsim machines: unknown machine "bogus" (known: ${MACHINE_NAMES.join(', ')})`,
    );
  });
});

describe('sbsim check: transition coverage', () => {
  it('the text report has a short section; --transitions lists every one never taken', async () => {
    const r = await sbsim('check', '--workload', 'standard', '--runs', '10', '--seed', '3');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/^Transitions taken: \d+ of the \d+ that can be \(/m);
    for (const name of MACHINE_NAMES) expect(r.out).toMatch(new RegExp(`^  [✓✗] ${name} +\\d+ of \\d+`, 'm'));
    const all = await sbsim('check', '--workload', 'standard', '--runs', '10', '--seed', '3', '--transitions');
    expect(all.out).not.toMatch(/; \+\d+ more/);
    expect(all.out.match(/^ {6}never: /gm)?.length ?? 0).toBeGreaterThan(0);
    // What cannot be taken is listed apart, each with its reason.
    expect(all.out).toMatch(/^ {6}cannot: .+ \(routing: /m);
  });

  it('--json carries the full coverage', async () => {
    const r = await sbsim('check', '--workload', 'standard', '--runs', '10', '--seed', '3', '--json', '--no-timing');
    const report = JSON.parse(r.out) as {
      transitions: { taken: number; total: number; machines: { name: string; transitions: { count: number }[] }[] };
    };
    expect(report.transitions.machines.map((m) => m.name)).toEqual([...MACHINE_NAMES]);
    const total = report.transitions.machines.reduce((n, m) => n + m.transitions.length, 0);
    expect(report.transitions.total).toBe(total);
    expect(report.transitions.taken).toBeGreaterThan(0);
  });
});
