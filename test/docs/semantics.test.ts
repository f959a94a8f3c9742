/**
 * docs/semantics.md is the one document the code cites. Every section (§2.5), transition (T4'),
 * source key (D1, N7, J1, I:net#16447) and switch cited in src/, properties/ and models/ must be a
 * heading or a defined key there; every source key must link to its official address; and no file of
 * the repository may cite a document outside it (the old shared reference files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC_PATH = 'docs/semantics.md';
const doc = readFileSync(join(ROOT, DOC_PATH), 'utf8');

/** Source files under `dirs` (relative to the repository root), as [path, text]. */
function sources(dirs: readonly string[], ext = /\.(ts|mts|js|mjs)$/): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of dirs) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !ext.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      out.push([relative(ROOT, path).split('\\').join('/'), readFileSync(path, 'utf8')]);
    }
  }
  return out.sort(([a], [b]) => a.localeCompare(b));
}

/** Citations of other (outside) documents: `harness-anchors §4.1`, `sdk-api §1.6`. Checked separately. */
const FOREIGN_SECTION = /\b(?:harness-anchors|sdk-api|style-anchors)\s+§\d+(?:\.\d+)?/g;

/** Every identifier `text` cites: sections, transition rules, source keys. */
function citedIds(text: string): Set<string> {
  const t = text.replace(FOREIGN_SECTION, '');
  const ids = new Set<string>();
  for (const m of t.matchAll(/§(\d+(?:\.\d+)?)/g)) ids.add(`§${m[1]}`);
  // `T4'` is a rule; in `'T3'` or `'T2/T11'` (string literals) the quote after the number closes the
  // literal. A quote directly after `T<n>` is a prime only outside a single-quoted literal.
  for (const line of t.split('\n')) {
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      const m = /^T(\d+)(?!\w)/.exec(line.slice(i));
      if (m && (i === 0 || !/\w/.test(line[i - 1]!))) {
        const end = i + m[0].length;
        const prime = !inString && line[end] === "'";
        ids.add(`T${m[1]}${prime ? "'" : ''}`);
        i = prime ? end : end - 1;
      } else if (line[i] === "'") inString = !inString;
    }
  }
  for (const m of t.matchAll(
    /\b(D(?:\d+(?:-current)?|-api)|N\d+(?:-Sample\d+)?|[JVPG]\d+|J-msgsession-old|J-core-amqp|V-old)\b/g,
  )) {
    ids.add(m[1]!);
  }
  for (const m of t.matchAll(/\bI:([\w-]+)#(\d+)/g)) ids.add(`I:${m[1]}#${m[2]}`);
  // Issue keys written without their `I:` prefix (`asb#375`, `js#15116`).
  const bare =
    /(?<![\w:/-])(asb|net|net-pr|js|js-pr|java|java-pr|go|go-pr|docs|docs-pr|dotnet-old|logicapps|workflow-core)#(\d+)/g;
  for (const m of t.matchAll(bare)) ids.add(`I:${m[1]}#${m[2]}`);
  return ids;
}

/** What `markdown` defines: numbered headings (`## §2`, `### §2.5 …`) and the first cell of table rows. */
function definedIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+§(\d+(?:\.\d+)?)\b/gm)) ids.add(`§${m[1]}`);
  for (const m of markdown.matchAll(/^\|\s*([^|]*?)\s*\|/gm)) ids.add(m[1]!.replace(/[`*]/g, ''));
  return ids;
}

/** The rows of the Sources section (§15): key → the rest of the row. */
function sourceRows(markdown: string): Map<string, string> {
  const at = markdown.search(/^## §15 Sources$/m);
  const rows = new Map<string, string>();
  if (at < 0) return rows;
  for (const m of markdown.slice(at).matchAll(/^\|\s*([^|]*?)\s*\|(.*)$/gm)) {
    const key = m[1]!;
    if (key === 'Key' || /^-+$/.test(key)) continue;
    rows.set(key, m[2]!);
  }
  return rows;
}

/** Identifiers cited by `files` that `markdown` does not define, as `file: id` lines. */
function unresolved(files: readonly [string, string][], markdown: string): string[] {
  const defined = definedIds(markdown);
  const missing: string[] = [];
  for (const [file, text] of files)
    for (const id of citedIds(text)) if (!defined.has(id)) missing.push(`${file}: ${id}`);
  return missing;
}

/** A citation of a document outside the repository. */
const OUTSIDE = [
  /\.\.\/shared\b/,
  /\bshared\/reference\b/,
  /servicebus-semantics\.md/,
  /\bharness-anchors\b/,
  /\bsdk-api\s+§/,
  /\bstyle-anchors\b/,
  /\/work\//,
];

/**
 * models/ files that still cite the old shared reference files. The lead edits models/ and then removes
 * this allow-list (and each entry as its file is fixed): after that every file must pass.
 */
const OUTSIDE_ALLOWED = new Set<string>([]);

function outsideCitations(text: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (OUTSIDE.some((re) => re.test(line))) hits.push(`${i + 1}: ${line.trim()}`);
  });
  return hits;
}

const CODE = sources(['src', 'properties', 'models']);

describe('docs/semantics.md', () => {
  it('defines every section, rule and source key cited in src/, properties/ and models/', () => {
    expect(CODE.length).toBeGreaterThan(50);
    expect(unresolved(CODE, doc)).toEqual([]);
  });

  it('resolves its own citations: sections it refers to and bracketed source keys', () => {
    const defined = definedIds(doc);
    const keys = sourceRows(doc);
    const missing: string[] = [];
    for (const id of citedIds(doc)) if (!defined.has(id)) missing.push(id);
    for (const m of doc.matchAll(/\[(I:[\w-]+#\d+|[DNJVPG](?:\d+[\w-]*|-[\w-]+))(?=[\]\s,])/g)) {
      if (!keys.has(m[1]!)) missing.push(`[${m[1]}]`);
    }
    expect(missing).toEqual([]);
  });

  it('links every source key to its official address', () => {
    const rows = sourceRows(doc);
    expect(rows.size).toBeGreaterThan(80);
    const official = /\(https:\/\/(learn\.microsoft\.com\/|github\.com\/(Azure|MicrosoftDocs|danielgerlag)\/)[^)\s]+\)/;
    const unlinked = [...rows].filter(([, rest]) => !official.test(rest)).map(([key]) => key);
    expect(unlinked).toEqual([]);
  });

  it('keeps the transition rules, the certainty tags and the switches', () => {
    const defined = definedIds(doc);
    for (let n = 1; n <= 14; n++) expect(defined, `T${n}`).toContain(`T${n}`);
    expect(defined).toContain("T4'");
    for (const tag of ['[H]', '[M]', '[L]']) expect(defined, tag).toContain(tag);
    const config = readFileSync(join(ROOT, 'models/config.ts'), 'utf8');
    const switches = /export interface Switches \{([\s\S]*?)\n\}/.exec(config)?.[1] ?? '';
    const names = [...switches.matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(defined, `switch ${name}`).toContain(name);
  });

  it('fails when a cited key is missing (the check has teeth)', () => {
    const files: [string, string][] = [
      ['x.ts', "see §2.5, T4', D1, N7, I:net#16447 and asb#375; p(null, 'T3'); 'T2/T11'"],
    ];
    expect(unresolved(files, doc)).toEqual([]);
    const without = doc.replace(/^\| D1 .*$/m, '').replace(/^### §2\.5 .*$/m, '');
    expect(unresolved(files, without)).toEqual(['x.ts: §2.5', 'x.ts: D1']);
    expect(unresolved([['y.ts', 'T15, §16, I:net#1']], doc)).toEqual(['y.ts: §16', 'y.ts: T15', 'y.ts: I:net#1']);
  });
});

describe('citations stay inside the repository', () => {
  const files = [
    ...sources(['src', 'properties', 'models', 'scripts', 'test', 'bin']),
    ...['README.md', 'CHANGELOG.md'].map((f): [string, string] => [f, readFileSync(join(ROOT, f), 'utf8')]),
    ...sources(['docs'], /\.md$/),
  ].filter(([f]) => f !== 'test/docs/semantics.test.ts');

  it('no file cites a document outside the repository', () => {
    const hits = files
      .filter(([f]) => !OUTSIDE_ALLOWED.has(f))
      .flatMap(([f, text]) => outsideCitations(text).map((h) => `${f}:${h}`));
    expect(hits).toEqual([]);
  });

  it('the models/ allow-list names only files that still need the fix (remove an entry once its file is clean)', () => {
    const byName = new Map(files);
    const stale = [...OUTSIDE_ALLOWED].filter((f) => outsideCitations(byName.get(f) ?? '').length === 0);
    expect(stale).toEqual([]);
  });
});
