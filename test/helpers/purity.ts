/**
 * Finds what would make a model or the scheduler nondeterministic: reading the wall clock, real
 * randomness, real timers, the console, or any Node built-in module. It reads the TypeScript syntax
 * tree, so the same words in comments and strings are not reported, and `globalThis.setTimeout` or
 * `Math['random']` are.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface Impurity {
  /** Path relative to the scanned root. */
  readonly file: string;
  readonly line: number;
  /** What was found: `Math.random`, `new Date()`, `setTimeout`, `import "node:fs"`… */
  readonly what: string;
}

/** `object.member` pairs that read the wall clock or real randomness. */
const FORBIDDEN_MEMBERS = new Set([
  'Math.random',
  'Date.now',
  'performance.now',
  'process.hrtime',
  'crypto.getRandomValues',
  'crypto.randomUUID',
]);
/** Globals that must not appear at all. */
const FORBIDDEN_GLOBALS = new Set([
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'console',
  'performance',
]);
/** Where a global may also be reached as a member. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

const BUILTINS = new Set(builtinModules);

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '');
}

/** Every .ts file under `root`, as paths relative to it, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(c|m)?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}

/** The module specifiers a file imports or re-exports (static, dynamic and `require`). */
export function importsOf(fileName: string, text: string): Array<{ specifier: string; line: number }> {
  return importsIn(parse(fileName, text));
}

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
}

function importsIn(source: ts.SourceFile): Array<{ specifier: string; line: number }> {
  const out: Array<{ specifier: string; line: number }> = [];
  const add = (node: ts.Node, spec: ts.Node | undefined): void => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ specifier: spec.text, line: lineOf(source, node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))
        add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The impurities of one file's text. */
export function scanSource(fileName: string, text: string): Impurity[] {
  const source = parse(fileName, text);
  const found: Impurity[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push({ file: fileName, line: lineOf(source, node), what });
  };
  /** Reports `object.name` if forbidden; true if it did (the object itself is then not reported again). */
  const member = (node: ts.Node, object: ts.Expression, name: string): boolean => {
    if (!ts.isIdentifier(object)) return false;
    const what = `${object.text}.${name}`;
    if (!FORBIDDEN_MEMBERS.has(what) && !(GLOBAL_OBJECTS.has(object.text) && FORBIDDEN_GLOBALS.has(name))) return false;
    report(node, what);
    return true;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && member(node, node.expression, node.name.text)) return;
    if (
      ts.isElementAccessExpression(node) &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      member(node, node.expression, node.argumentExpression.text)
    )
      return;
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date')
      report(node, 'new Date()');
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date')
      report(node, 'Date()');
    else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isDeclaredName(node))
      report(node, node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const { specifier, line } of importsIn(source)) {
    if (isNodeBuiltin(specifier)) found.push({ file: fileName, line, what: `import "${specifier}"` });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The impurities of every .ts file under `root`. */
export function scanTree(root: string): Impurity[] {
  return sourceFiles(root).flatMap((file) => scanSource(file, readFileSync(join(root, file), 'utf8')));
}

/** A name being declared or read as a member (`x.console`, `{ console: 1 }`), not a use of the global. */
function isDeclaredName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isEnumMember(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent)
  ) {
    return parent.name === node;
  }
  return false;
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

export function describeImpurities(found: readonly Impurity[]): string {
  return found.map((f) => `${f.file}:${f.line} ${f.what}`).join('\n');
}
