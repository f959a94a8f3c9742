import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with one paragraph on what sbsim is for, then the sequence-vs-session picture exactly as `sbsim teach` draws it, then the two commands', async () => {
    const io = bufferIo();
    expect(await main(['teach', 'sequence-vs-session', '--format', 'mermaid'], io)).toBe(0);
    const diagram = io.stdout.join('\n').trimEnd();
    const [title, paragraph, ...rest] = readme.split('\n\n');
    expect(title).toBe('# sbsim');
    expect(paragraph).toMatch(/^sbsim simulates .*workload.*facade.*interleavings/s);
    expect(rest.join('\n\n').startsWith(`\`\`\`mermaid\n${diagram}\n\`\`\``)).toBe(true);
    const picture = readme.indexOf('```mermaid');
    expect(readme.indexOf('npm install && npm start')).toBeGreaterThan(picture);
    expect(readme.indexOf('npm install && npm start')).toBeLessThan(readme.indexOf('## The command line'));
  });

  it('has the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });

  it('lists every teaching scenario and every mutant', async () => {
    const { SCENARIOS } = await import('../src/scenarios/index.ts');
    const { MUTANTS } = await import('../models/mutants/index.ts');
    for (const s of SCENARIOS) expect(readme).toContain(`\`${s.id}\``);
    for (const m of MUTANTS) expect(readme).toContain(`| ${m.id} |`);
  });
});

describe('README: the charts', () => {
  it('the session and consumer charts are what `sbsim machines NAME --format mermaid --overview` draws today', async () => {
    const { renderMachineMermaid } = await import('../src/machines/mermaid.ts');
    const { describeNamed } = await import('../src/machines/registry.ts');
    const blocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    for (const name of ['session', 'consumer'] as const) {
      const drawn = `${renderMachineMermaid(describeNamed(name), { overview: true })}\n`;
      expect(blocks, `the README's ${name} chart`).toContain(drawn);
    }
  });
});

/**
 * Where `shown` (an abridged JSON value) differs from `actual`, as JSON paths. `"…"` stands for any value
 * (and, as a key, for any further keys), `["…"]` for any array, and a string ending in `…` for any string
 * it begins.
 */
function abridgedDifferences(shown: unknown, actual: unknown, at = '$'): string[] {
  if (shown === '…' || (Array.isArray(shown) && shown.length === 1 && shown[0] === '…')) return [];
  if (typeof shown === 'string' && shown.endsWith('…'))
    return typeof actual === 'string' && actual.startsWith(shown.slice(0, -1)) ? [] : [at];
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual) || actual.length !== shown.length) return [at];
    return shown.flatMap((s, i) => abridgedDifferences(s, actual[i], `${at}[${i}]`));
  }
  if (typeof shown === 'object' && shown !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [at];
    const { '…': more, ...keys } = shown as Record<string, unknown>;
    const extra = Object.keys(actual).filter((k) => !(k in keys));
    return [
      ...(more === undefined && extra.length > 0 ? [`${at} (${extra.join(', ')} not shown)`] : []),
      ...Object.entries(keys).flatMap(([k, v]) =>
        abridgedDifferences(v, (actual as Record<string, unknown>)[k], `${at}.${k}`),
      ),
    ];
  }
  return shown === actual ? [] : [at];
}

describe('README: the replay file it shows', () => {
  it('is test/regressions/M03.json, abridged (`…`), as that file is today', () => {
    const m = /`test\/regressions\/M03\.json`, abridged\):\n\n```json\n([\s\S]*?)```/.exec(readme);
    expect(m, 'the abridged replay file').not.toBeNull();
    const shown = JSON.parse(m![1]!) as unknown;
    const file = JSON.parse(readFileSync(new URL('./regressions/M03.json', import.meta.url), 'utf8')) as unknown;
    expect(abridgedDifferences(shown, file)).toEqual([]);
    // The comparison can fail: a changed value, a key left out without `"…"`.
    expect(abridgedDifferences({ format: 'sbsim-replay', formatVersion: 3, '…': '…' }, file)).toEqual([
      '$.formatVersion',
    ]);
    expect(abridgedDifferences({ format: 'sbsim-replay' }, file)).toHaveLength(1);
  });
});
