/**
 * The schema of a replay file's `facade` field (src/facade/script.ts): each op checked by its kind. The
 * events it carries are checked as objects with a `type`; the world they are fed to is the judge of the
 * rest, and a replay that no longer fits diverges with a message naming the decision.
 */
import { z } from 'zod';
import type { ClientRequest, SimEvent } from '../../models/events.ts';
import type { FacadeScript } from '../facade/script.ts';

const count = z.int().min(0);
/** An event: an object with a `type`, whatever else it carries. */
const event = z.looseObject({ type: z.string() });

export const FACADE_SCRIPT = z.strictObject({
  ops: z.array(
    z.discriminatedUnion('op', [
      z.strictObject({ step: count, op: z.literal('attach'), client: z.string() }),
      z.strictObject({ step: count, op: z.literal('inject'), to: z.string(), event }),
      z.strictObject({
        step: count,
        op: z.literal('timer'),
        id: z.string(),
        atMs: count,
        to: z.string(),
        event,
      }),
      z.strictObject({ step: count, op: z.literal('cancel'), id: z.string() }),
      z.strictObject({ step: count, op: z.literal('choose'), name: z.string(), labels: z.array(z.string()) }),
      z.strictObject({ step: count, op: z.literal('chooseInt'), name: z.string(), min: z.int(), max: z.int() }),
    ]),
  ),
  endStep: count,
});

// The events are typed by the world that takes them, not by this schema.
export type ParsedFacadeScript = z.output<typeof FACADE_SCRIPT>;
export const asFacadeScript = (s: ParsedFacadeScript): FacadeScript =>
  s as unknown as FacadeScript & { ops: { event?: SimEvent | ClientRequest }[] };
