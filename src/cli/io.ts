/** Where the CLI writes, and its exit codes (DESIGN.md, CLI contract). */
import { fsReason } from './fs-errors.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
/** The harness itself failed (a machine threw, or a run did not reproduce): a bug in sbsim, not in the model under test. */
export const EXIT_HARNESS = 3;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A transient progress line on stderr (TTY only); '' clears it. */
  progress(text: string): void;
  readonly isTTY: boolean;
  /** Colour on: a TTY and no NO_COLOR. */
  readonly color: boolean;
}

let guarded = false;

/**
 * Output that cannot be written (stdout to a closed pipe, a full disk, a device that refuses) ends the
 * command with one line and exit 2 — never a stack trace, and never exit 0 or 1, which would claim a
 * result nobody received. Node reports a failed write as an 'error' event after the write returns.
 */
function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    try {
      process.stderr.write(`sbsim: cannot write the output: ${fsReason(e)}\n`);
    } finally {
      process.exit(EXIT_USAGE);
    }
  });
  // Nowhere left to say it.
  process.stderr.on('error', () => process.exit(EXIT_USAGE));
}

export function processIo(): Io {
  guardOutput();
  const isTTY = process.stderr.isTTY === true;
  const color = process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.FORCE_COLOR !== '0';
  let shown = false;
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    progress: (t) => {
      if (!isTTY) return;
      if (t === '' && !shown) return;
      process.stderr.write(`\r\x1b[K${t}`);
      shown = t !== '';
    },
    isTTY,
    color,
  };
}

/** For tests: collects everything written. */
export function bufferIo(): Io & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    progress: () => {},
    isTTY: false,
    color: false,
  };
}
