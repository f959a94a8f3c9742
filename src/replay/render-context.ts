/** What every replay renderer is given besides the result. */
import type { ReadReplay } from './read.ts';
import type { ReplayResult } from './replay.ts';

export interface RenderContext {
  /** Colour escapes allowed (a TTY without NO_COLOR); never for files. */
  readonly color: boolean;
  /** The file replayed, as the user named it. */
  readonly source: string;
  readonly warnings: ReadReplay['warnings'];
}

export type ReplayRenderer = (result: ReplayResult, context: RenderContext) => string;
