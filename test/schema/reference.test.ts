/**
 * docs/workload-reference.md is generated from the workload schema (`npm run schema`): the committed file
 * must be what the generator writes today, and the schema must describe every field it has, so that the
 * reference (and an editor's hover text) leaves none out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSchemaFiles } from '../../scripts/schema-files.ts';
import { anchor } from '../../scripts/workload-reference.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { SCHEMA_FILES } from '../../src/schema/json-schema.ts';

const PATH = 'docs/workload-reference.md';
const committed = readFileSync(join(PACKAGE_ROOT, PATH), 'utf8');

interface Node {
  title?: string;
  description?: string;
  properties?: Record<string, Node>;
  items?: Node | false;
  anyOf?: Node[];
  oneOf?: Node[];
}

/** Every object field of the schema, as [JSON path, its schema, the title of the object holding it]. */
function fields(node: Node, at = '$', owner = ''): [string, Node, string][] {
  const out: [string, Node, string][] = [];
  const holder = node.title ?? owner;
  for (const [name, field] of Object.entries(node.properties ?? {})) {
    out.push([`${at}.${name}`, field, holder]);
    out.push(...fields(field, `${at}.${name}`, holder));
  }
  for (const member of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) out.push(...fields(member, at, holder));
  if (node.items) out.push(...fields(node.items, `${at}[]`, holder));
  return out;
}

// The root's own title names the file (`sbsim workload`); the reference heads its table `Workload`.
const workload = { ...(JSON.parse(SCHEMA_FILES['schema/workload.schema.json']()) as Node), title: 'Workload' };

describe('docs/workload-reference.md', () => {
  it('is equal to the one generated from the workload schema (run `npm run schema` after changing the schema)', async () => {
    expect(committed).toBe((await formatSchemaFiles())[PATH]);
  });

  it('the schema describes every field, at every level', () => {
    const all = fields(workload);
    expect(all.length).toBeGreaterThan(60);
    const bare = all.filter(([, f]) => !f.description?.trim()).map(([path]) => path);
    expect(bare).toEqual([]);
  });

  it('has one table per object, and a row for every field under its heading', () => {
    for (const [path, , holder] of fields(workload)) {
      const name = path.slice(path.lastIndexOf('.') + 1);
      const section = committed.split(/^## /m).find((s) => s.startsWith(`${holder}\n`));
      expect(section, `the ${holder} table`).toBeDefined();
      expect(section, `${path} in the ${holder} table`).toMatch(
        new RegExp(`^\\| \`${name.replace('$', '\\$')}\` +\\|`, 'm'),
      );
    }
  });

  it('every link to a table has its heading', () => {
    const headings = new Set([...committed.matchAll(/^## (.+)$/gm)].map((m) => anchor(m[1]!)));
    const links = [...committed.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !headings.has(l))).toEqual([]);
  });

  it('shows the documented defaults and limits (a switch, an entity setting, a consumer policy)', () => {
    expect(committed).toMatch(/^\| `crashSemantics` +\| `"release"` or `"lockExpiry"` +\| `"release"` +\|/m);
    expect(committed).toMatch(/^\| `lockDurationMs` +\| integer +\| `60000` +\| 1 to 300000 +\|/m);
    expect(committed).toMatch(/^\| `renewal` .*\| `\{"kind":"auto","maxDurationMs":300000\}` +\|/m);
    expect(committed).toMatch(/^\| `sessionId` +\| string +\| — +\| at most 128 characters +\|/m);
  });
});
