/**
 * The JSON every command prints goes through one helper, safeJson (src/trace/visible.ts). JSON.stringify
 * escapes C0 controls but leaves C1 controls (U+0080–U+009F: U+009B is a CSI, as ESC [ is), DEL, the
 * line and paragraph separators and the bidi overrides raw; ids come from workload files and may hold
 * them. safeJson writes them as `\uXXXX`: still JSON, parsed back the same value, the same bytes each time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { safeJson } from '../../src/trace/visible.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** What must never reach a terminal raw: every control but the newline of pretty-printing, and the rest. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Ids with a C1 CSI, a NEL, DEL, a line separator and a right-to-left override; and a C0 escape. */
const SESSION = 's\u009b31m\u2028\u202e1';
const MESSAGE = 'm\u0085\u007f\u001b[2J';

describe('safeJson', () => {
  const value = {
    plain: 'abc',
    [`key\u0085${'\u2029'}`]: [SESSION, MESSAGE, 'back\\slash\u009b', '\u0000\u001f', 'é ✓ 漢', 1.5, null, true],
    nested: { deeper: { id: '\u2066x\u2069', n: -1 } },
  };

  it('parses back to the same value, and escapes every terminal-dangerous character', () => {
    const json = safeJson(value);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).not.toMatch(RAW);
    expect(json).toContain('s\\u009b31m\\u2028\\u202e1');
    expect(json).toContain('"key\\u0085\\u2029"');
    // A backslash before an escaped character stays a backslash of the string.
    expect(json).toContain('"back\\\\slash\\u009b"');
  });

  it("is JSON.stringify's text, indented by 2, where nothing needed escaping; byte-stable", () => {
    const tame = { a: [1, 'two', { three: null }], é: '✓' };
    expect(safeJson(tame)).toBe(JSON.stringify(tame, null, 2));
    expect(safeJson(value)).toBe(safeJson(structuredClone(value)));
    expect(safeJson(undefined)).toBe('null');
  });
});

describe('the JSON of check, merge, replay and run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sbsim-json-'));
  const workload = join(dir, 'ids.json');
  const m03 = JSON.parse(readFileSync(new URL('../regressions/M03.json', import.meta.url), 'utf8')) as {
    workload: { messages: { messageId: string; sessionId: string }[] };
  };
  // The M03 regression (fifo-delivery fails in every run) with hostile ids and name.
  writeFileSync(
    workload,
    JSON.stringify({
      ...m03.workload,
      name: 'w\u009b',
      messages: m03.workload.messages.map((m, k) => ({ ...m, messageId: `${MESSAGE}${k}`, sessionId: SESSION })),
    }),
  );

  it('check --json, then merge --json of its report, then replay --format json of its replay file', async () => {
    const replayFile = join(dir, 'found.json');
    const check = await sbsim(
      ...[
        'check',
        '--workload',
        workload,
        '--mutant',
        'M03',
        '--runs',
        '5',
        '--seed',
        '1',
        '--shrink-time',
        '0',
        '--json',
      ],
      ...['--no-timing', '--out', replayFile],
    );
    expect(check.err).toBe('');
    expect(check.code).toBe(EXIT_VIOLATION);
    expect(check.out).not.toMatch(RAW);
    const report = JSON.parse(check.out) as {
      search: { workload: string };
      violation: { message: string };
      counterexample: { workload: { messages: { sessionId: string }[] } };
    };
    expect(report.search.workload).toBe('w\u009b');
    expect(report.counterexample.workload.messages[0]?.sessionId).toBe(SESSION);
    expect(report.violation.message).toContain(SESSION);

    const reportFile = join(dir, 'report.json');
    writeFileSync(reportFile, check.out);
    const merge = await sbsim('merge', reportFile, '--json', '--no-timing');
    expect(merge.code).toBe(EXIT_VIOLATION);
    expect(merge.out).not.toMatch(RAW);
    const merged = JSON.parse(merge.out) as { search: { workload: string }; violations: { message: string }[] };
    expect(merged.search.workload).toBe('w\u009b');
    expect(merged.violations[0]?.message).toBe(report.violation.message);

    const replay = await sbsim('replay', replayFile, '--format', 'json');
    expect(replay.err).toBe('');
    expect(replay.code).toBe(EXIT_VIOLATION);
    expect(replay.out).not.toMatch(RAW);
    expect(JSON.stringify(JSON.parse(replay.out))).toContain(JSON.stringify(SESSION).slice(1, -1));
  });

  it('run --format json', async () => {
    const r = await sbsim('run', '--workload', workload, '--seed', '1', '--format', 'json');
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.out).not.toMatch(RAW);
    const run = JSON.parse(r.out) as { trace: unknown[] };
    expect(JSON.stringify(run.trace)).toContain(JSON.stringify(MESSAGE).slice(1, -1));
  });
});

describe('error lines', () => {
  it('quote a bad value with its control characters escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbsim-err-'));
    const file = join(dir, 'w.json');
    writeFileSync(file, JSON.stringify({ consumers: [{ id: 'c1', [`bogus${SESSION}`]: MESSAGE }] }));
    const r = await sbsim('run', '--workload', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bogus/);
    expect(r.err).not.toMatch(RAW);
    const missing = await sbsim('run', '--workload', join(dir, `no-such${MESSAGE}.json`));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no-such/);
    expect(missing.err).not.toMatch(RAW);
    const merged = await sbsim('merge', file);
    expect(merged.code).toBe(2);
    expect(merged.err).not.toMatch(RAW);
  });
});
