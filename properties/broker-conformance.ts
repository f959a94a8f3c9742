/**
 * broker-conformance: every answer the broker gave, and every effect it reported, agrees with the
 * reference specification (properties/spec/broker-spec.ts) — a sequential model of the broker's
 * observable behaviour written from docs/semantics.md, sharing no code with models/.
 *
 * The trace's client calls and broker answers are replayed in the order the broker took effect; each
 * answer is checked (receive: which messages, which counts, which lock token; accept and accept-next:
 * granted or refused, which session, until when; settle, renew, session state, receiveDeferred, peek,
 * sends), and each reported requeue, dead-letter, expiry and release is reconciled with what the rules
 * predict for that step. Where the rules allow several answers (the session accept-next grants), the
 * specification accepts the set.
 */
import { violation } from './oracle.ts';
import { BrokerSpec } from './spec/broker-spec.ts';
import type { Property, RunRecord, Violation } from './types.ts';

export const brokerConformance: Property = {
  id: 'broker-conformance',
  title: 'Every broker answer conforms to the reference specification',
  rule: 'T1–T14, §2–§11: each reply and each reported effect, judged against a sequential model of the broker',
  check(run: RunRecord): Violation | undefined {
    const spec = new BrokerSpec(run.workload);
    for (const e of run.trace) {
      if (e.k === 'deliver') continue;
      if (!spec.feed(e)) break;
    }
    const v = spec.finish(!run.hitBound);
    return v ? violation('broker-conformance', v.message, { step: v.step, t: v.t }) : undefined;
  },
};
