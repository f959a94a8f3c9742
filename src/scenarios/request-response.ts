/**
 * Multiplexed request/reply (reference §7, §2.2, D1, D12, N7): each requester accepts its own named
 * reply session before any reply exists and sends requests carrying ReplyToSessionId; the responder
 * copies it into each reply's SessionId, so every reply reaches the requester that asked. A driver
 * script: every call is a client request through the same scheduler.
 */
import type { ReceivedMessage } from '../../models/events.ts';
import { Driver } from '../world/driver.ts';
import type { SessionHandle } from '../world/driver.ts';
import { deliveriesOf, shortName, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { driverRun, runAt } from './scenario.ts';

export const REQUESTERS = [
  { name: 'alice', session: 'alice-replies', requests: ['req-a1', 'req-a2'] },
  { name: 'bob', session: 'bob-replies', requests: ['req-b1'] },
] as const;

function mustAccept(reply: ReturnType<Driver['accept']>): SessionHandle {
  if (!reply.ok || !reply.handle)
    throw new Error(`request-response: accepting a reply session failed: ${reply.ok ? 'no handle' : reply.error.code}`);
  return reply.handle;
}

const replyIdOf = (requestId: string): string => requestId.replace(/^req-/, 'reply-');

/** The script: accept reply sessions, send requests, serve them, read the replies. */
export function requestResponseDriver(): Driver {
  const d = new Driver({
    name: 'request-response',
    entities: [
      { name: 'requests', requiresSession: false },
      { name: 'replies', requiresSession: true },
    ],
  });
  const clients = REQUESTERS.map((r) => ({ ...r, id: d.client(r.name) }));
  const responder = d.client('responder');
  // 1. Each requester locks its reply session first: it is empty, and accepting it is allowed (§2.2).
  const handles = clients.map((c) => mustAccept(d.accept(c.id, 'replies', c.session)));
  d.advance(100);
  // 2. Requests go to a plain queue, each naming the session its reply must go to.
  const order = ['req-a1', 'req-b1', 'req-a2'];
  for (const id of order) {
    const c = clients.find((x) => (x.requests as readonly string[]).includes(id));
    if (c) d.send(c.id, 'requests', { messageId: id, replyToSessionId: c.session });
  }
  d.advance(100);
  // 3. The responder serves the requests one by one: reply.sessionId = request.replyToSessionId (D12).
  for (;;) {
    const r = d.receivePlain(responder, 'requests');
    const m: ReceivedMessage | undefined = r.ok ? r.result.messages[0] : undefined;
    if (!m) break;
    d.advance(200);
    d.send(responder, 'replies', { messageId: replyIdOf(m.messageId), sessionId: m.replyToSessionId });
    d.settlePlain(responder, 'requests', m, 'complete');
  }
  d.advance(100);
  // 4. Each requester reads its own session: only its replies are there.
  for (const h of handles) {
    const r = d.receive(h, 10);
    for (const m of r.ok ? r.result.messages : []) d.settle(h, m, 'complete');
    d.close(h);
  }
  return d;
}

export interface RequestResponseOutcome extends OutcomeBase {
  /** Reply ids each requester received. */
  readonly received: Readonly<Record<string, readonly string[]>>;
  /** Reply sessions accepted before the first reply was sent. */
  readonly acceptedBeforeReplies: readonly string[];
  /** Replies delivered to a client other than the one whose request they answer. */
  readonly misrouted: readonly string[];
}

export const requestResponse: Scenario<RequestResponseOutcome> = {
  id: 'request-response',
  title: 'Request/reply: replies routed by ReplyToSessionId',
  lesson:
    'Each requester accepts its own reply session up front; replies carrying SessionId = ReplyToSessionId reach only it.',
  rule: '§7, §2.2, D1, D12, N7',
  narrative:
    'Two requesters share one request queue and one session-enabled reply queue (§7, D12). Each first accepts its own ' +
    'named reply session, alice-replies and bob-replies, while it is still empty: accepting a session before any of its ' +
    'messages exists is allowed, and from then on the lock covers whatever arrives (§2.2, D1). Requests carry ' +
    'ReplyToSessionId (N7); the responder copies it into the SessionId of each reply. Alice then finds exactly her two ' +
    'replies in her session and Bob his one: no reply can reach the wrong requester, which is why D1 advises a named ' +
    'accept rather than accept-next on the reply queue.',
  run: () => [driverRun('two requesters, one responder', requestResponseDriver())],
  outcome(runs) {
    const run = runAt(runs, 0);
    const received: Record<string, string[]> = {};
    const misrouted: string[] = [];
    for (const d of deliveriesOf(run.trace)) {
      if (d.consumer === 'responder') continue;
      (received[d.consumer] ??= []).push(d.messageId);
      const owner = REQUESTERS.find((r) => r.session === d.session);
      if (owner?.name !== d.consumer) misrouted.push(`${d.messageId} to ${d.consumer}`);
    }
    const firstReplyAt = timedFacts(run.trace, 'sent').find((s) => s.fact.entity === 'replies')?.t ?? Infinity;
    const acceptedBeforeReplies = timedFacts(run.trace, 'accepted')
      .filter((a) => a.t < firstReplyAt)
      .map((a) => `${shortName(a.fact.consumer)}:${a.fact.session}`);
    return {
      received,
      acceptedBeforeReplies,
      misrouted,
      summary: [
        `Reply sessions accepted before any reply existed: ${acceptedBeforeReplies.join(', ') || 'none'}.`,
        ...Object.entries(received).map(([who, ids]) => `${who} received ${ids.join(', ')}.`),
        `Misrouted replies: ${misrouted.length === 0 ? 'none' : misrouted.join(', ')}.`,
      ],
    };
  },
};
