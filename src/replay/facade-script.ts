/**
 * The schema of a replay file's `facade` field (src/facade/script.ts): each op checked by its kind. The
 * events it carries are checked as objects with a `type`; the world they are fed to is the judge of the
 * rest, and a replay that no longer fits diverges with a message naming the decision.
 */
import type { ClientRequest, SimEvent } from '../../models/events.ts';
import type { FacadeScript, ScriptOp } from '../facade/script.ts';
import { ReplayFileError } from './errors.ts';
import type { Check } from './validate.ts';
import { arrayOf, count, describeValue, fields, literal, ms, num, str, tagged } from './validate.ts';

const event: Check<SimEvent> = (v, at) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { type?: unknown }).type !== 'string')
    throw new ReplayFileError('wrong-type', `${at} must be an event object with a "type", not ${describeValue(v)}`, at);
  return v as SimEvent;
};

type Op<K extends ScriptOp['op']> = Extract<ScriptOp, { op: K }>;

const op = tagged<ScriptOp, 'op'>('op', {
  attach: fields<Op<'attach'>>({ step: count, op: literal('attach'), client: str }, {}),
  inject: fields<Op<'inject'>>(
    { step: count, op: literal('inject'), to: str, event: event as Check<ClientRequest> },
    {},
  ),
  timer: fields<Op<'timer'>>({ step: count, op: literal('timer'), id: str, atMs: ms, to: str, event }, {}),
  cancel: fields<Op<'cancel'>>({ step: count, op: literal('cancel'), id: str }, {}),
  choose: fields<Op<'choose'>>({ step: count, op: literal('choose'), name: str, labels: arrayOf(str) }, {}),
  chooseInt: fields<Op<'chooseInt'>>(
    { step: count, op: literal('chooseInt'), name: str, min: num({ int: true }), max: num({ int: true }) },
    {},
  ),
});

export const facadeScript = fields<FacadeScript>({ ops: arrayOf(op), endStep: count }, {});
