/**
 * Determinism starts with purity (DESIGN, principle 1): the machines in models/ and the scheduler in
 * src/sim/ never read the wall clock or real randomness, never set real timers, never log and never
 * touch Node. Time enters as virtual-clock events and every choice goes through the Chooser.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeImpurities, importsOf, scanTree, sourceFiles } from './helpers/purity.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The scheduling loop and the mailboxes live in src/world: it is held to the same rule.
const PURE_DIRS = ['models', 'src/sim', 'src/world'];

describe('purity of the models and the scheduler', () => {
  for (const dir of PURE_DIRS) {
    it(`${dir}/: no wall clock, randomness, real timers, console or Node built-ins`, () => {
      const files = sourceFiles(join(root, dir));
      expect(files.length).toBeGreaterThan(0);
      const found = scanTree(join(root, dir));
      expect(describeImpurities(found), `impure code in ${dir}/`).toBe('');
    });
  }

  it('models/: imports only xstate and its own files', () => {
    const modelsDir = join(root, 'models');
    const outside = sourceFiles(modelsDir).flatMap((file) =>
      importsOf(file, readFileSync(join(modelsDir, file), 'utf8'))
        .filter(({ specifier }) => {
          if (specifier === 'xstate' || specifier.startsWith('xstate/')) return false;
          if (!specifier.startsWith('.')) return true;
          // A relative import must stay inside models/.
          return !resolve(modelsDir, dirname(file), specifier).startsWith(modelsDir);
        })
        .map(({ specifier, line }) => `${file}:${line} imports "${specifier}"`),
    );
    expect(outside.join('\n')).toBe('');
  });

  describe('the scan itself, on a temporary copy of models/', () => {
    // Each forbidden use is planted in its own copy of a model file; the real files are never touched.
    const planted: Array<[string, string]> = [
      ['export const r = Math.random();', 'Math.random'],
      ["export const r = Math['random']();", 'Math.random'],
      ['export const t = Date.now();', 'Date.now'],
      ['export const t = new Date();', 'new Date()'],
      ['export const t = new Date(0).getTime();', 'new Date()'],
      ['export const t = performance.now();', 'performance.now'],
      ['setTimeout(() => {}, 10);', 'setTimeout'],
      ['globalThis.setTimeout(() => {}, 10);', 'globalThis.setTimeout'],
      ['setInterval(() => {}, 10);', 'setInterval'],
      ["console.log('hello');", 'console'],
      ["import { readFileSync } from 'node:fs';", 'import "node:fs"'],
      ["export const later = () => import('node:crypto');", 'import "node:crypto"'],
      ["import { EventEmitter } from 'events';", 'import "events"'],
    ];
    const harmless = [
      '// Never call Date.now() or Math.random() here; no setTimeout, no console.',
      "export const words = 'console setTimeout Date.now() Math.random()';",
      'export const o = { console: 1, setTimeout: 2 };',
      'export const v = o.console + o.setTimeout;',
    ].join('\n');

    let copy = '';
    let found: ReturnType<typeof scanTree> = [];
    beforeAll(() => {
      copy = mkdtempSync(join(tmpdir(), 'sbsim-purity-'));
      cpSync(join(root, 'models'), copy, { recursive: true });
      const original = readFileSync(join(copy, 'session-lock.ts'), 'utf8');
      planted.forEach(([snippet], i) => writeFileSync(join(copy, `planted-${i}.ts`), `${original}\n${snippet}\n`));
      writeFileSync(join(copy, 'harmless.ts'), `${original}\n${harmless}\n`);
      found = scanTree(copy);
    });
    afterAll(() => {
      if (copy) rmSync(copy, { recursive: true, force: true });
    });

    planted.forEach(([snippet, what], i) => {
      it(`finds a planted \`${snippet}\` as ${what}`, () => {
        expect(found.filter((f) => f.file === `planted-${i}.ts`).map((f) => f.what)).toEqual([what]);
      });
    });

    it('finds nothing else: not in the copied models, not in the same words in comments, strings or member names', () => {
      expect(found.filter((f) => !f.file.startsWith('planted-'))).toEqual([]);
    });
  });
});
