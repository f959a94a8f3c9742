/**
 * The command output the documents show, checked against what the commands print today. A shown output
 * is a fenced block whose first line is a command, `$ sbsim …`: the lines after it, up to the next `$ `
 * line, are what it prints (stdout and stderr, in the order written), and `$ echo $?` shows its exit code.
 * A line `...` stands for any number of lines, so a block may abridge; timing figures (`12.5/s`, `in 3.3
 * s`) are not compared. The commands run in-process (src/cli/main.ts), in order, in one scratch directory
 * per document that sees the repository's examples/, test/, schema/ and docs/, so a block can replay the
 * file an earlier block's check wrote. Some files are a command's whole output (`WHOLE_OUTPUTS`).
 *
 *   node --import tsx scripts/shown-outputs.ts [--write] [FILE.md ...]
 *
 * prints each shown block as ok or stale, with what the command prints now; `--write` rewrites the whole
 * outputs and the stale blocks that do not abridge (an abridged block is the writer's choice of lines,
 * so it is printed, not rewritten). test/docs/shown-outputs.test.ts fails when any is stale.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Io } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { PACKAGE_ROOT } from '../src/package-root.ts';

/** The documents whose shown outputs are checked. */
export const DOCUMENTS: readonly string[] = ['README.md', 'docs/describe-your-consumers.md'];

/** Files that are the whole standard output of a command. */
export const WHOLE_OUTPUTS: readonly { readonly file: string; readonly command: string }[] = [
  {
    file: 'examples/order-processing/naive-order-consumer.replay.txt',
    command: 'sbsim replay examples/order-processing/naive-order-consumer.replay.json',
  },
];

/**
 * Files a shown command reads that the document does not show in full: the README's misspelt workload
 * file (`sbsim check --workload w.json`).
 */
const FIXTURES: Readonly<Record<string, string>> = {
  'w.json': '{ "switchs": { "sessionWideExpiry": false } }\n',
};

/** What the scratch directory links to, so that shown paths resolve as they do in the repository. */
const LINKED = ['examples', 'test', 'schema', 'docs'];

/** The line that stands for any number of lines. */
const ELISION = '...';

export interface Step {
  /** The command as shown, without `$ `. */
  readonly command: string;
  /** The lines shown after it. */
  readonly expected: readonly string[];
}

export interface ShownBlock {
  readonly file: string;
  /** 1-based line of the block's first command. */
  readonly line: number;
  /** 0-based line index range of the block's content (between the fences). */
  readonly from: number;
  readonly to: number;
  readonly steps: readonly Step[];
}

export interface StepResult {
  readonly step: Step;
  readonly actual: readonly string[];
  readonly ok: boolean;
}

/** Every fenced block of `markdown` that starts with `$ sbsim`. */
export function shownBlocks(markdown: string, file: string): ShownBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShownBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})/.exec(lines[i] ?? '');
    if (!fence) continue;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith(fence[1] as string)) end++;
    const content = lines.slice(i + 1, end);
    if ((content[0] ?? '').startsWith('$ sbsim ')) {
      const steps: Step[] = [];
      for (const text of content) {
        if (text.startsWith('$ ')) steps.push({ command: text.slice(2).trim(), expected: [] });
        else (steps[steps.length - 1]?.expected as string[]).push(text);
      }
      blocks.push({ file, line: i + 2, from: i + 1, to: end, steps });
    }
    i = end;
  }
  return blocks;
}

/** A scratch directory for one document's commands: the linked folders and the fixtures. */
export function workspace(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sbsim-shown-'));
  for (const name of LINKED) symlinkSync(join(PACKAGE_ROOT, name), join(dir, name), 'dir');
  for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(dir, name), text);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one block's commands in `dir`; `$ echo $?` prints the exit code of the command before it. */
export async function runBlock(block: ShownBlock, dir: string): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let lastCode = 0;
  for (const step of block.steps) {
    let actual: string[];
    if (step.command === 'echo $?') actual = [String(lastCode)];
    else {
      const run = await runCommand(step.command, dir);
      lastCode = run.code;
      actual = run.lines;
    }
    results.push({ step, actual, ok: matches(step.expected, actual) });
  }
  return results;
}

/** A shown `sbsim …` command, run in-process in `dir`: its exit code and every line it wrote. */
export async function runCommand(
  command: string,
  dir: string,
): Promise<{ code: number; lines: string[]; stdout: string[] }> {
  const argv = words(command);
  if (argv[0] !== 'sbsim') throw new Error(`a shown command must be "sbsim …" or "echo $?", not "${command}"`);
  const lines: string[] = [];
  const stdout: string[] = [];
  const io: Io = {
    out: (t) => {
      lines.push(...t.split('\n'));
      stdout.push(...t.split('\n'));
    },
    err: (t) => lines.push(...t.split('\n')),
    progress: () => {},
    isTTY: false,
    color: false,
  };
  const cwd = process.cwd();
  const seed = process.env.SBSIM_SEED;
  delete process.env.SBSIM_SEED;
  process.chdir(dir);
  try {
    const code = await main(argv.slice(1), io);
    return { code, lines: trimEnd(lines), stdout };
  } finally {
    process.chdir(cwd);
    if (seed !== undefined) process.env.SBSIM_SEED = seed;
  }
}

/** The shown lines against the printed ones: `...` is any number of lines, timing figures aside. */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const want = trimEnd(expected.map(normalise));
  const got = actual.map(normalise);
  // Wildcard matching over lines: can want[0..i) match got[0..j)?
  let row = Array.from({ length: got.length + 1 }, (_, j) => j === 0);
  for (const line of want) {
    const next = Array.from({ length: got.length + 1 }, () => false);
    for (let j = 0; j <= got.length; j++) {
      next[j] =
        line === ELISION
          ? (row[j] ?? false) || (j > 0 && (next[j - 1] ?? false))
          : j > 0 && (row[j - 1] ?? false) && got[j - 1] === line;
    }
    row = next;
  }
  return row[got.length] ?? false;
}

/** A line as compared: no trailing blanks, wall-clock figures replaced. */
function normalise(line: string): string {
  return line
    .trimEnd()
    .replace(/\b\d[\d.,]*k?\/s\b/g, 'N/s')
    .replace(/\bin \d[\d.]* s\b/g, 'in N s');
}

function trimEnd(lines: readonly string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (out[out.length - 1] ?? '').trim() === '') out.pop();
  return out;
}

/** A command line split into words; single or double quotes keep spaces. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The block's lines as the command prints them now, with the commands. */
function rendered(results: readonly StepResult[]): string[] {
  return results.flatMap((r) => [`$ ${r.step.command}`, ...r.actual]);
}

async function cli(argv: readonly string[]): Promise<number> {
  const write = argv.includes('--write');
  const files = argv.filter((a) => a !== '--write');
  let stale = 0;
  for (const file of files.length > 0 ? files : DOCUMENTS) {
    const path = join(PACKAGE_ROOT, file);
    const lines = readFileSync(path, 'utf8').split('\n');
    const space = workspace();
    const rewrites: { from: number; to: number; lines: string[] }[] = [];
    try {
      for (const block of shownBlocks(lines.join('\n'), file)) {
        const results = await runBlock(block, space.dir);
        const ok = results.every((r) => r.ok);
        console.log(`${ok ? 'ok   ' : 'STALE'} ${file}:${block.line} $ ${block.steps[0]?.command}`);
        if (ok) continue;
        stale++;
        const abridged = block.steps.some((s) => s.expected.some((l) => l.trim() === ELISION));
        if (write && !abridged) rewrites.push({ from: block.from, to: block.to, lines: rendered(results) });
        else
          console.log(
            rendered(results)
              .map((l) => `      ${l}`)
              .join('\n'),
          );
      }
    } finally {
      space.dispose();
    }
    for (const r of rewrites.reverse()) lines.splice(r.from, r.to - r.from, ...r.lines);
    if (rewrites.length > 0) {
      writeFileSync(path, lines.join('\n'));
      console.log(`rewrote ${rewrites.length} block(s) of ${file}`);
    }
  }
  for (const { file, command } of WHOLE_OUTPUTS) {
    const now = `${(await runCommand(command, PACKAGE_ROOT)).stdout.join('\n')}\n`;
    const ok = readFileSync(join(PACKAGE_ROOT, file), 'utf8') === now;
    console.log(`${ok ? 'ok   ' : 'STALE'} ${file} = $ ${command}`);
    if (ok) continue;
    if (write) writeFileSync(join(PACKAGE_ROOT, file), now);
    else stale++;
  }
  return stale > 0 && !write ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await cli(process.argv.slice(2));
