/** Where the CLI writes, and its exit codes (DESIGN.md, CLI contract). */
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

export function processIo(): Io {
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
