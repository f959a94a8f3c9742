/**
 * models/step.ts: the named actions as XState built-ins. They must behave as `assign`, `emit`, `raise` and
 * `enqueueActions` do — order, deferral of effects, the internal queue — and the snapshot copy must carry
 * exactly the fields XState's own snapshots have (a new XState field would otherwise be dropped).
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, enqueueActions, setup } from 'xstate';
import type { Effect } from '../../models/events.ts';
import { actionsFor, withContext } from '../../models/step.ts';

interface Ctx {
  readonly n: number;
  readonly log: readonly string[];
}
type Ev = { type: 'go' } | { type: 'again' };

const { patch, act, stepAction } = actionsFor<Ctx, Ev>();
const fx = (key: string): Effect => ({ type: 'fx.fact', fact: { kind: 'note', text: key } as never });

function machine(built: boolean) {
  return setup({
    types: { context: {} as Ctx, events: {} as Ev, emitted: {} as Effect },
    actions: (built
      ? {
          first: patch(({ context }) => ({ n: context.n + 1, log: [...context.log, `first saw ${context.n}`] })),
          second: act(({ context, enqueue }) => {
            enqueue.assign({ log: [...context.log, `second saw ${context.n}`] });
            enqueue.emit(fx(`second ${context.n}`));
            enqueue.raise({ type: 'again' });
          }),
          third: stepAction((context) => ({ patch: { n: context.n * 10 }, fx: [fx(`third ${context.n}`)] })),
        }
      : {
          first: assign(({ context }) => ({ n: context.n + 1, log: [...context.log, `first saw ${context.n}`] })),
          second: enqueueActions(({ context, enqueue }) => {
            enqueue.assign({ log: [...context.log, `second saw ${context.n}`] });
            enqueue.emit(fx(`second ${context.n}`));
            enqueue.raise({ type: 'again' });
          }),
          third: enqueueActions(({ context, enqueue }) => {
            enqueue.assign({ n: context.n * 10 });
            enqueue.emit(fx(`third ${context.n}`));
          }),
        }) as { first: ReturnType<typeof patch>; second: ReturnType<typeof act>; third: ReturnType<typeof stepAction> },
  }).createMachine({
    context: { n: 1, log: [] },
    initial: 'a',
    states: {
      a: { on: { go: { target: 'b', actions: ['first', 'second', 'third'] } } },
      b: { on: { again: { target: 'c', actions: patch(({ context }) => ({ log: [...context.log, 'again'] })) } } },
      c: {},
    },
  });
}

function run(built: boolean) {
  const emitted: string[] = [];
  const actor = createActor(machine(built));
  actor.on('*', (e: Effect) => emitted.push(e.type === 'fx.fact' ? String((e.fact as { text?: string }).text) : ''));
  actor.start();
  actor.send({ type: 'go' });
  const snap = actor.getSnapshot();
  return { value: snap.value, context: snap.context, emitted };
}

describe('named actions as built-ins (models/step.ts)', () => {
  it('see the context the previous action left, emit after the macrostep, raise into the same macrostep', () => {
    const ours = run(true);
    expect(ours.value).toBe('c');
    expect(ours.context).toEqual({ n: 20, log: ['first saw 1', 'second saw 2', 'again'] });
    expect(ours.emitted).toEqual(['second 2', 'third 2']);
  });

  it('end where assign, emit and raise end', () => {
    const xs = run(false);
    const ours = run(true);
    expect(ours.value).toEqual(xs.value);
    expect(ours.context).toEqual(xs.context);
    expect(ours.emitted).toEqual(xs.emitted);
  });

  it('copy a snapshot with exactly the fields XState gives it', () => {
    const snap = createActor(machine(true)).start().getSnapshot();
    const copy = withContext(snap, { n: 7, log: [] });
    expect(Object.keys(copy).sort()).toEqual(Object.keys(snap).sort());
    expect(copy.context).toEqual({ n: 7, log: [] });
    expect(copy.value).toBe(snap.value);
    expect(copy.matches('a')).toBe(true);
  });
});
