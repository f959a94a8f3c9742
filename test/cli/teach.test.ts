/**
 * `sbsim teach`: list, render a scenario in each format with its narrative and outcome, write a new
 * file with --out (never over an existing one), and one clear line on stderr with exit 2 for bad usage.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { teachCommand } from '../../src/cli/teach.ts';
import { EXIT_OK, EXIT_USAGE, bufferIo } from '../../src/cli/io.ts';
import { SCENARIOS, scenarioById } from '../../src/scenarios/index.ts';

function teach(...argv: string[]) {
  const io = bufferIo();
  const code = teachCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr };
}

describe('sbsim teach', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sbsim-teach-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--list prints every scenario id with its one-line lesson', () => {
    const r = teach('--list');
    expect(r.code).toBe(EXIT_OK);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(SCENARIOS.length);
    SCENARIOS.forEach((s, i) =>
      expect(lines[i]).toMatch(new RegExp(`^${s.id} +${s.lesson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)),
    );
  });

  it('with no scenario, lists them and says how to run one', () => {
    const r = teach();
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('sequence-vs-session');
    expect(r.out).toContain('Run one with: sbsim teach SCENARIO');
  });

  it('a scenario prints its swimlane, its narrative and its outcome, as text by default and without colour here', () => {
    const r = teach('sequence-vs-session');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toEqual([]);
    expect(r.out).not.toContain('\x1b');
    expect(r.out).toContain('time │ broker');
    expect(r.out).toContain('Rule: §6 "Ordering versus processing", D1, D5');
    expect(r.out).toContain('• Without sessions: processing order 2, 3, 1 (c2:m2, c2:m3, c1:m1).');
    expect(r.out).toContain('• With sessions: processing order 1, 2, 3 (c1:m1, c1:m2, c1:m3).');
  });

  it('--format mermaid prints a diagram that carries the narrative and outcome as comments', () => {
    const r = teach('max-delivery', '--format', 'mermaid');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out.startsWith('sequenceDiagram\n')).toBe(true);
    expect(r.out).toContain('%% bad was dead-lettered with MaxDeliveryCountExceeded at delivery count 3.');
  });

  it('--format html prints a whole page', () => {
    const r = teach('abandon', '--format=html');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out.startsWith('<!doctype html>')).toBe(true);
    expect(r.out).toContain('<svg class="timeline"');
  });

  it('--format html shows, beside the timeline, the charts of the machines involved with the transitions taken marked', () => {
    const r = teach('abandon', '--format=html');
    const aside = r.out.slice(r.out.indexOf('<aside class="charts">'));
    expect(aside.length).toBeGreaterThan(100);
    for (const m of ['session', 'lock', 'entity', 'consumer']) expect(aside).toContain(`data-machine="${m}"`);
    // No topic in this scenario: its chart is not shown.
    expect(aside).not.toContain('data-machine="topic"');
    const taken = aside.match(/class="tr taken/g)?.length ?? 0;
    const untaken = aside.match(/class="tr untaken/g)?.length ?? 0;
    expect(taken).toBeGreaterThan(5);
    expect(untaken).toBeGreaterThan(0);
  });

  it('--out writes the rendering to a new file, inferring html from the extension, and leaves no temporary file', () => {
    const file = join(dir, 'abandon.html');
    const r = teach('abandon', '--out', file);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toBe(`sbsim teach: wrote the html rendering of abandon to ${file}`);
    expect(readFileSync(file, 'utf8')).toContain('<svg class="timeline"');
    expect(readdirSync(dir)).toEqual(['abandon.html']);
  });

  it('--out writes text without colour unless told otherwise', () => {
    const file = join(dir, 'ttl.txt');
    expect(teach('session-ttl', '--out', file).code).toBe(EXIT_OK);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('× m1 expired (session-wide), dropped');
    expect(teach('session-ttl', '--format', 'mermaid', '--out', join(dir, 'ttl.md')).code).toBe(EXIT_OK);
    expect(readFileSync(join(dir, 'ttl.md'), 'utf8').startsWith('sequenceDiagram')).toBe(true);
  });

  it('--out refuses to overwrite an existing file without --force: exit 2, one line on stderr, the file unchanged', () => {
    const file = join(dir, 'mine.html');
    writeFileSync(file, 'precious');
    const r = teach('abandon', '--out', file);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toEqual([`sbsim teach: ${file} already exists; not overwriting it (--force replaces it)`]);
    expect(r.out).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['mine.html']);
    const forced = teach('abandon', '--out', file, '--force');
    expect(forced.code).toBe(EXIT_OK);
    expect(readFileSync(file, 'utf8')).toContain('<svg class="timeline"');
    expect(readdirSync(dir)).toEqual(['mine.html']);
  });

  it('--out into a directory that does not exist: exit 2, nothing written', () => {
    const file = join(dir, 'missing', 'x.html');
    const r = teach('abandon', '--out', file);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot write .*x\.html: no directory .*missing$/);
    expect(existsSync(file)).toBe(false);
  });

  it('bad usage: one clear line on stderr and exit 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['no-such-scenario'], /^sbsim teach: unknown scenario "no-such-scenario" \(known: sequence-vs-session, /],
      [['abandon', '--format', 'pdf'], /^sbsim teach: unknown format "pdf" \(known: text, mermaid, html\)$/],
      [['abandon', '--colour'], /^sbsim teach: unknown option --colour/],
      [['abandon', 'exclusive-lock'], /^sbsim teach: one scenario at a time/],
      [['abandon', '--list'], /^sbsim teach: --list takes no scenario/],
      [['--list', '--out', 'x.html'], /^sbsim teach: --out needs a scenario/],
      [['abandon', '--format'], /^sbsim teach: --format needs a value$/],
    ];
    for (const [argv, message] of cases) {
      const r = teach(...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.err, argv.join(' ')).toHaveLength(1);
      expect(r.err[0], argv.join(' ')).toMatch(message);
      expect(r.out, argv.join(' ')).toBe('');
    }
  });

  it('every scenario renders in every format', () => {
    for (const s of SCENARIOS) {
      expect(scenarioById(s.id)).toBeDefined();
      for (const format of ['text', 'mermaid', 'html']) expect(teach(s.id, '--format', format).code).toBe(EXIT_OK);
    }
  });
});
