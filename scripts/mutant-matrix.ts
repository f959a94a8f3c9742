/**
 * Which property catches which mutant: for every mutant of the zoo, the default check (every property,
 * the default strategy) on a few seeds with a wall-clock budget — kill time and the catching property —
 * and each property alone on a fixed run budget, so a property's unique kills can be read off.
 *
 *   node --import tsx scripts/mutant-matrix.ts [--seeds 1,2,3] [--time 10] [--runs 400] [--only M17,M18] [--json FILE] [--no-alone]
 *
 * Slow on purpose (minutes): it is the measurement behind the closing note's table, not a test.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MUTANTS } from '../models/mutants/index.ts';
import { ALL_PROPERTIES } from '../properties/index.ts';
import { check } from '../src/check/check.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    time: { type: 'string', default: '10' },
    runs: { type: 'string', default: '400' },
    only: { type: 'string' },
    json: { type: 'string' },
    'no-alone': { type: 'boolean', default: false },
  },
});
const seeds = String(values.seeds).split(',').map(Number);
const timeMs = Number(values.time) * 1000;
const runs = Number(values.runs);
const only = values.only ? new Set(String(values.only).toUpperCase().split(',')) : null;
const rows = [];
for (const m of MUTANTS) {
  if (only && !only.has(m.id)) continue;
  const kills = seeds.map((seed) => {
    const r = check({ seed, timeMs, shrinkTimeMs: 1, mutant: m.id });
    return {
      seed,
      killed: !r.passed,
      ms: r.exploreMs,
      runs: r.runs,
      property: r.counterexample?.violation.property ?? null,
    };
  });
  const alone = !values['no-alone']
    ? ALL_PROPERTIES.filter(
        (p) => !check({ seed: seeds[0] ?? 1, runs, shrinkTimeMs: 1, mutant: m.id, properties: [p] }).passed,
      ).map((p) => p.id)
    : [];
  const row = { id: m.id, slug: m.slug, kills, alone };
  rows.push(row);
  const worst = Math.max(...kills.map((k) => (k.killed ? k.ms : Infinity)));
  console.log(
    `${m.id} ${m.slug.padEnd(40)} ${kills.map((k) => (k.killed ? `${(k.ms / 1000).toFixed(1)}s ${k.property}` : 'SURVIVED')).join(' | ')}  worst ${Number.isFinite(worst) ? (worst / 1000).toFixed(1) : '∞'}s  alone: ${alone.join(',')}`,
  );
}
if (values.json) writeFileSync(String(values.json), JSON.stringify(rows, null, 2));
