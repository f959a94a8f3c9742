import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with the sequence-vs-session picture exactly as `sbsim teach` draws it', async () => {
    const io = bufferIo();
    expect(await main(['teach', 'sequence-vs-session', '--format', 'mermaid'], io)).toBe(0);
    const diagram = io.stdout.join('\n').trimEnd();
    expect(readme.startsWith(`# sbsim\n\n\`\`\`mermaid\n${diagram}\n\`\`\``)).toBe(true);
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
