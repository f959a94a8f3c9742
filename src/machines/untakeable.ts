/**
 * Transitions a search cannot take, each rule with its reason: the coverage report (coverage.ts) counts
 * them apart, so "taken" is measured against what can be taken at all. The transition-coverage test
 * fails if a rule matches nothing (stale) or a matched transition is ever taken (then it was takeable).
 */
export interface Untakeable {
  readonly why: string;
  readonly matches: (machine: string, t: { readonly id: string; readonly label: string }) => boolean;
}

const SESSION_OPS = ['req.renew', 'req.getState', 'req.setState', 'req.receiveDeferred', 'req.close'];
const eventOf = (id: string): string => id.split('|')[1] ?? '';
const sourceOf = (id: string): string => (id.split('|')[0] ?? '').split(':')[1] ?? '';

export const UNTAKEABLE: readonly Untakeable[] = [
  {
    why: 'routing: clients address session operations to the session actor, receives to a subscription, sends to a queue or topic — never a receive to a topic, a session operation to an entity, or a send to a session',
    matches: (m, t) =>
      (m === 'topic' && eventOf(t.id) !== 'req.send') ||
      (m === 'entity' && sourceOf(t.id) === '' && SESSION_OPS.includes(eventOf(t.id))) ||
      (m === 'session' && eventOf(t.id) === 'req.send'),
  },
  {
    why: 'validation: a workload with a session id over 128 characters is refused before it runs (only a hand-driven client can send one)',
    matches: (_m, t) => t.label.includes('sessionIdTooLong'),
  },
  {
    why: 'receiver kinds: a generated consumer is a session receiver on a session entity and a plain receiver on a plain one, and peeks only the session it holds; the mixed cases (a plain receive, settle or peek across the sessions of a session entity; an accept on a plain one) are driven by the scenario tests',
    matches: (m, t) =>
      (m === 'entity' &&
        ((sourceOf(t.id) === 'mode.sessionful' && ['req.receive', 'req.settle', 'req.peek'].includes(eventOf(t.id))) ||
          (sourceOf(t.id) === 'mode.plain' && ['req.accept', 'req.peek'].includes(eventOf(t.id))) ||
          eventOf(t.id) === 'entity.peeked')) ||
      (m === 'session' && eventOf(t.id) === 'session.peekFor'),
  },
  {
    why: 'the lock and the session agree on the holder in the correct model: a release or expiry of another token, and a renewal of an expired lock, happen only under a mutant (M01, M09)',
    matches: (m, t) =>
      (m === 'session' && sourceOf(t.id) === '' && ['lock.released', 'lock.expired'].includes(eventOf(t.id))) ||
      (m === 'lock' && t.id === 'sessionLock:expired|lock.renew|0'),
  },
  {
    why: 'session state size: a generated consumer writes only short values (a checkpoint `done:<seq>`, a probe `probe:<consumer>`), never over the 256 KB limit; the refusal is driven by the scenario tests',
    matches: (m, t) => m === 'session' && t.label.includes('failStateTooLarge'),
  },
];
