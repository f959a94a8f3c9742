import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('sbsim (the command)', () => {
  it('help lists every command of the CLI contract', async () => {
    const r = await sbsim('help');
    expect(r.code).toBe(EXIT_OK);
    for (const c of ['check', 'replay', 'teach', 'mutants', 'bench', 'run']) expect(r.out).toContain(`sbsim ${c}`);
  });

  it('an unknown command or option is a usage error: exit 2, one line on stderr', async () => {
    for (const argv of [
      ['frobnicate'],
      ['check', '--bogus'],
      ['check', '--runs', '0'],
      ['check', '--runs', 'x'],
      ['check', '--runs', '5', '--time', '5'],
      ['check', '--mutant', 'M99'],
      ['check', '--workload', 'no-such-workload'],
      ['run', 'extra'],
      ['mutants', '--only', 'M99'],
    ]) {
      const r = await sbsim(...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('check on a named workload: the summary, the seed, the situations, exit 0', async () => {
    const r = await sbsim('check', '--workload', 'standard', '--runs', '30', '--seed', '4');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toContain('seed 4');
    expect(r.out).toContain('runs: 30');
    expect(r.out).toContain('Situations reached');
    expect(r.out).toContain('All 12 properties hold over 30 runs.');
  });

  it('check --json: machine-readable report with coverage', async () => {
    const r = await sbsim('check', '--workload', 'demo', '--runs', '10', '--seed', '1', '--json');
    expect(r.code).toBe(EXIT_OK);
    const report = JSON.parse(r.out) as { passed: boolean; runs: number; coverage: Record<string, number> };
    expect(report.passed).toBe(true);
    expect(report.runs).toBe(10);
    expect(Object.keys(report.coverage)).toContain('lockLostMidHandler');
  });

  it('mutants --json: the documented shape; exit 0 when every chosen mutant is killed and the clean model passes', async () => {
    // A mutant named twice runs once.
    const r = await sbsim('mutants', '--runs', '150', '--only', 'M05,M12,M05', '--seed', '1', '--json');
    expect(r.code).toBe(EXIT_OK);
    const report = JSON.parse(r.out) as {
      clean: { passed: boolean; runs: number };
      mutants: Record<string, unknown>[];
    };
    expect(report.clean).toEqual({ passed: true, runs: 150 });
    expect(report.mutants.map((m) => Object.keys(m).sort())).toEqual(
      Array(2).fill(['description', 'id', 'killed', 'lengthAfter', 'lengthBefore', 'ms', 'property', 'runs'].sort()),
    );
    expect(report.mutants.map((m) => [m.id, m.killed])).toEqual([
      ['M05', true],
      ['M12', true],
    ]);
  });

  it('check --json --no-timing: two runs of one seed print byte-identical reports without wall-clock fields', async () => {
    const args = ['check', '--workload', 'standard', '--runs', '20', '--seed', '5', '--json', '--no-timing'] as const;
    const [a, b] = [await sbsim(...args), await sbsim(...args)];
    expect(a.code).toBe(EXIT_OK);
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out) as Record<string, unknown>;
    expect(report.runs).toBe(20);
    expect('ms' in report || 'exploreMs' in report).toBe(false);
  });

  it('check --mutant: a violation is exit 1', async () => {
    const dir = await import('node:fs').then((fs) =>
      fs.mkdtempSync(`${(process.env.TMPDIR ?? '/tmp').replace(/\/$/, '')}/sbsim-cli-`),
    );
    const r = await sbsim(
      'check',
      '--mutant',
      'M06',
      '--runs',
      '200',
      '--seed',
      '1',
      '--out',
      `${dir}/m06.json`,
      '--shrink-time',
      '2',
    );
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.out).toContain('Violation of delivery-count');
    expect(r.out.trim().split('\n').slice(-1)[0]).toContain(`sbsim replay ${dir}/m06.json`);
  });

  it('run prints a trace and the final state', async () => {
    const r = await sbsim('run', '--workload', 'demo', '--seed', '2', '--brief');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('final state:');
    expect(r.out).toContain('holds session');
  });
});

describe('sbsim with a workload file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sbsim-workload-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('each bad workload file is refused with one line naming the file and the JSON path: exit 2', async () => {
    const cases: [string, string, RegExp][] = [
      ['fault.json', '{"fault": []}', /fault\.json: \$\.fault is not a field sbsim knows here/],
      ['switchs.json', '{"switchs": {}}', /\$\.switchs is not a field/],
      ['empty-id.json', '{"messages": [{"messageId": ""}]}', /\$\.messages\[0\]\.messageId must not be empty/],
      ['empty-consumer.json', '{"consumers": [{"id": ""}]}', /\$\.consumers\[0\]\.id must not be empty/],
      [
        'reply-to.json',
        JSON.stringify({ messages: [{ messageId: 'm', replyToSessionId: 'r'.repeat(129) }] }),
        /replyToSessionId is 129 characters long; the service allows at most 128/,
      ],
      [
        'many.json',
        JSON.stringify({ messages: Array.from({ length: 100_001 }, (_, i) => ({ messageId: `m${i}` })) }),
        /\$\.messages has 100001 entries; sbsim runs at most 100000 messages/,
      ],
      [
        'lose.json',
        '{"consumers": [{"id": "c1"}], "faults": [{"kind": "loseRenewals", "consumer": "c1", "fromMs": 9, "untilMs": 1}]}',
        /\$\.faults\[0\]\.untilMs is 1, before fromMs 9/,
      ],
      ['cut.json', '{"entities": [', /cut\.json: the JSON stops early/],
      ['not-json.json', 'entities: []', /not-json\.json: not JSON/],
    ];
    for (const [name, text, message] of cases) {
      for (const command of ['check', 'run']) {
        const r = await sbsim(command, '--workload', file(name, text), ...(command === 'check' ? ['--runs', '1'] : []));
        expect(r.code, `${command} ${name}: ${r.err}`).toBe(EXIT_USAGE);
        expect(r.err.trim().split('\n'), name).toHaveLength(1);
        expect(r.err, name).toMatch(message);
      }
    }
  });

  it('a directory says so; a missing file says so', async () => {
    const sub = join(dir, 'a-directory.json');
    mkdirSync(sub);
    const r = await sbsim('run', '--workload', sub);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/a-directory\.json cannot be read: it is a directory, not a file/);
    const missing = await sbsim('run', '--workload', join(dir, 'nope.json'));
    expect(missing.err).toMatch(/no workload named .*nope\.json" and no such file/);
  });

  it('a file with a UTF-8 byte order mark and a "$schema" is read', async () => {
    const path = file(
      'bom.json',
      '\uFEFF{"$schema": "../schema/workload.schema.json", "messages": [{"messageId": "m1", "sessionId": "s1"}], "consumers": [{"id": "c1"}]}',
    );
    const r = await sbsim('check', '--workload', path, '--runs', '2', '--seed', '1');
    expect(r.code, r.err).toBe(EXIT_OK);
  });
});
