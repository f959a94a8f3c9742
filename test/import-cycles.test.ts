/**
 * No import circles in src/, models/ or properties/ (type-only imports included): each module can be
 * read, loaded and tested after the ones it uses. A circle is reported as the chain of files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles } from './helpers/purity.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every relative import edge between the project's own files, by path from the root. */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const file of sourceFiles(join(root, dir))) {
      const path = join(root, dir, file);
      const edges = importsOf(file, readFileSync(path, 'utf8'))
        .filter(({ specifier }) => specifier.startsWith('.') && specifier.endsWith('.ts'))
        .map(({ specifier }) => relative(root, resolve(dirname(path), specifier)));
      graph.set(relative(root, path), edges);
    }
  }
  return graph;
}

/** The first cycle found by depth-first search, as a list of files, or null. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('import graph', () => {
  it('the cycle finder finds a cycle and passes a tree', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull();
  });

  it('src/, models/ and properties/ import each other without circles', () => {
    const graph = importGraph(['src', 'models', 'properties']);
    expect(graph.size).toBeGreaterThan(100);
    expect(findCycle(graph)?.join(' → ') ?? 'none').toBe('none');
  });
});
