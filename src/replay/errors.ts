/**
 * Why a replay file cannot be used. Every way a file can be wrong is one code, so a script can tell
 * "no such file" from "written by a newer sbsim" without parsing the message, and every error says in
 * one sentence what is wrong and where (the JSON path), as the CLI prints it on one line (exit 2).
 */
export type ReplayFileErrorCode =
  /** The file does not exist. */
  | 'missing'
  /** The file exists but cannot be read (a directory, no permission). */
  | 'unreadable'
  /** The text is not JSON, and not the start of a JSON document either. */
  | 'not-json'
  /** The text is the start of a JSON document that stops early: an interrupted copy or download. */
  | 'truncated'
  /** JSON, but not an sbsim replay file (`format` is not `sbsim-replay`, or the version is not one we know). */
  | 'wrong-format'
  /** A replay file of a later format version than this sbsim reads. */
  | 'newer-version'
  | 'missing-field'
  | 'unknown-field'
  | 'wrong-type'
  /** The right type but not an allowed value (an unknown enum value, a negative duration, a malformed hash). */
  | 'bad-value'
  /** A decision whose `pick` is outside [0, n), or whose `i` is not its position in the list. */
  | 'decision-out-of-range'
  /**
   * The workload breaks a limit of the service (lock duration, session id length…) or of sbsim (messages,
   * consumers), or names what it does not declare (src/schema/workload.ts).
   */
  | 'invalid-workload'
  /** Two parts of the file disagree (the echoed switches are not the workload's). */
  | 'inconsistent';

export class ReplayFileError extends Error {
  override readonly name = 'ReplayFileError';
  constructor(
    readonly code: ReplayFileErrorCode,
    message: string,
    /** JSON path of the offending value (`$.decisions[3].pick`), when there is one. */
    readonly path: string | null = null,
    /** The file read, when there is one; set by the reader so the message names it. */
    readonly source: string | null = null,
  ) {
    super(message);
  }

  /** The same error, naming the file it came from. */
  withSource(source: string): ReplayFileError {
    return new ReplayFileError(this.code, `${source}: ${this.message}`, this.path, source);
  }
}
