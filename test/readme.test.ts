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
