/**
 * A chart with every feature the describers must handle (nested and parallel states, a final state,
 * root-level transitions, `always`, `after`, combinator and inline guards, built-in and inline actions,
 * entry and exit): the shape the consumer is being rebuilt to, not the model itself.
 */
import { and, assign, not, raise, setup } from 'xstate';

export const fixtureMachine = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'go' | 'msg' | 'done' | 'tick' | 'crash' | 'lost' } },
  guards: {
    retriesLeft: ({ context }) => context.n < 3,
    busy: ({ context }) => context.n > 0,
  },
  actions: {
    count: assign({ n: ({ context }) => context.n + 1 }),
    log: () => {},
  },
}).createMachine({
  id: 'fixture',
  context: { n: 0 },
  initial: 'idle',
  on: { crash: '.crashed' },
  states: {
    idle: { on: { go: 'accepting' } },
    accepting: {
      entry: 'log',
      on: {
        go: [{ guard: and(['retriesLeft', not('busy')]), target: 'holding' }, { target: 'backingOff' }],
      },
    },
    backingOff: { after: { 500: 'accepting' } },
    holding: {
      type: 'parallel',
      exit: ['log', raise({ type: 'tick' })],
      on: { lost: 'accepting' },
      states: {
        receiver: {
          initial: 'ready',
          states: {
            ready: { on: { msg: { target: 'receiving', actions: 'count' } } },
            receiving: {
              on: {
                done: [{ guard: ({ context }) => context.n > 5, target: '#fixture.finished' }, { target: 'ready' }],
              },
            },
          },
        },
        renewal: {
          initial: 'off',
          states: {
            off: { always: { guard: 'busy', target: 'scheduled' } },
            scheduled: { on: { tick: { target: 'renewing', actions: () => {} } } },
            renewing: { on: { tick: 'scheduled' } },
          },
        },
      },
    },
    crashed: { type: 'final' },
    finished: { type: 'final' },
  },
});
