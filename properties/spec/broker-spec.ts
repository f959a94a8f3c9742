/**
 * The reference specification: a small sequential model of what a Service Bus broker shows its clients,
 * written from docs/semantics.md (rules T1–T14, §2–§11) and sharing no code with
 * models/. It is a monitor in the manner of P's spec machines and Porcupine's sequential models: it is
 * fed the run's history in the order the broker took effect — each client call as it reached the broker,
 * each answer as the broker gave it, and the broker's own timed events (a lock running out, lazy expiry)
 * — keeps the expected state, and judges every answer and every reported effect against it.
 *
 * How the history is read:
 * - A step is one scheduling decision and everything the broker did because of it. A step holds at most
 *   one client call (a broker hand-off is atomic), or one broker timer.
 * - A call the broker answers at once is predicted when it arrives: the expected answer, and the effects
 *   it must have (requeues, dead-letters, expiries, releases), which are reconciled with the facts the
 *   broker reported, as a multiset, when the step ends.
 * - A call that waits (a receive with nothing to take, an accept-next with no available session, a named
 *   accept of a held session with `acceptNamedWhenLocked: wait`) is judged when it is answered, against
 *   the state at that moment: the answer must be one the rules allow then. Where the rules allow several
 *   answers (which session accept-next grants), the specification accepts the set.
 * - A lock running out is judged when the broker reports it (`lockExpired`: the right token, exactly at
 *   the deadline) and its effects are predicted from there. Expiry the broker runs lazily on its own
 *   (the background tick) is judged for legality when reported.
 *
 * Every check names its rule, so a violation reads as "renew at t=40000ms returned lockedUntil 100000ms;
 * the rule (T10) gives 70000ms".
 */
import type { ClientRequest, Fact, ReceivedMessage, ReplyEvent } from '../../models/events.ts';
import type { CallEvent, FactEvent, ReturnEvent } from '../../src/trace/types.ts';
import type { Workload } from '../../src/world/workload.ts';

type EntityConfig = Workload['entities'][number];
type Mode = 'peekLock' | 'receiveAndDelete';

/** §3.5 system dead-letter reasons; §4 expiry; §8.1 session-less messages on a session subscription. */
const MAX_DELIVERY = 'MaxDeliveryCountExceeded';
const TTL_EXPIRED = 'TTLExpiredException';
const SESSION_ID_NULL = 'Session id is null.';
/** §2.1, N7: session ids are at most 128 characters. */
const SESSION_ID_MAX = 128;
/** §5: session state is at most one message: 256 KB on Standard, 100 MB on Premium. */
const STATE_LIMIT = { standard: 256 * 1024, premium: 100 * 1024 * 1024 } as const;

interface SpecMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly session: string | null;
  readonly expiresAtMs: number | null;
  count: number;
  state: 'active' | 'locked' | 'deferred';
  /** The lock it is held under: the session lock's token, or its own message lock's. */
  token: string | null;
  /** Non-session entities: when its message lock runs out. */
  lockedUntilMs: number;
  /** Fetched by sequence number: it returns to the deferred messages, not the active ones (§3.3). */
  fetched: boolean;
}

interface Holder {
  readonly client: string;
  readonly token: string;
  untilMs: number;
  readonly mode: Mode;
}

/** A receive waiting for a message: who asked, for how many, in which mode, and until when. */
interface WaitingReceive {
  readonly client: string;
  readonly reqId: number;
  readonly max: number;
  readonly mode: Mode;
  readonly callT: number;
  readonly waitMs: number;
}

function waitingReceive(
  call: CallEvent,
  req: Extract<ClientRequest, { type: 'req.receive' }>,
  mode: Mode,
): WaitingReceive {
  return { client: call.client, reqId: req.reqId, max: req.max, mode, callT: call.t, waitMs: req.waitMs };
}

interface SpecSession {
  readonly id: string;
  /** When the entity first saw it: accept-next `oldestFirst` order. */
  readonly order: number;
  /** Its messages, in sequence order. */
  readonly messages: SpecMessage[];
  holder: Holder | null;
  state: string | null;
  /** The holder's receive waiting for a message. */
  parked: WaitingReceive | null;
}

interface SpecEntity {
  readonly name: string;
  readonly config: EntityConfig;
  nextSeq: number;
  readonly sessions: Map<string, SpecSession>;
  /** Non-session entities: their messages in sequence order. */
  readonly plain: SpecMessage[];
  readonly bySeq: Map<number, SpecMessage>;
  /** Every lock token the broker handed out, to check that each is new. */
  readonly tokens: Set<string>;
  /** Non-session entities: receives waiting for a message, first come first served. */
  readonly parked: WaitingReceive[];
}

/** A call waiting for its answer. */
interface Pending {
  readonly call: CallEvent;
  /** The answer predicted at the call; `null`: it waits, and is judged when answered. */
  readonly expect: Answer | null;
  /** What the rule is, for the violation sentence. */
  readonly rule: string;
  readonly entity: SpecEntity | null;
  readonly session: SpecSession | null;
}

/** A predicted answer: `check` says what is wrong with a reply (null: nothing), `want` names the right one. */
interface Answer {
  readonly check: (reply: ReplyEvent) => string | null;
  readonly want: string;
}

interface Expectation {
  readonly key: string;
  readonly subject: string;
  readonly rule: string;
}

export interface SpecViolation {
  readonly message: string;
  readonly step: number;
  readonly t: number;
}

const clientName = (c: string): string => (c === '' ? 'the workload' : c);
const at = (t: number): string => `t=${t}ms`;

export class BrokerSpec {
  private readonly entities = new Map<string, SpecEntity>();
  /** Topic name → its subscriptions' entity names. */
  private readonly topics = new Map<string, string[]>();
  private readonly pending = new Map<string, Pending>();
  /** Sessions with a waiting receive: checked at the end of every step (T4). */
  private readonly parkedSessions = new Set<SpecSession>();
  private readonly switches: Workload['switches'];
  private expected: Expectation[] = [];
  private actual: { key: string; subject: string; fact: Fact }[] = [];
  private step = -1;
  private t = 0;
  private sessionsSeen = 0;
  /** The first violation: once set, the rest of the history is not judged. */
  private first: SpecViolation | null = null;

  constructor(workload: Workload) {
    this.switches = workload.switches;
    const add = (config: EntityConfig): void => {
      this.entities.set(config.name, {
        name: config.name,
        config,
        nextSeq: 1,
        sessions: new Map(),
        plain: [],
        bySeq: new Map(),
        tokens: new Set(),
        parked: [],
      });
    };
    for (const e of workload.entities) add(e);
    for (const topic of workload.topics) {
      for (const s of topic.subscriptions) add(s);
      this.topics.set(
        topic.name,
        topic.subscriptions.map((s) => s.name),
      );
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Feeding the history

  /** Feed one trace event (calls, returns and facts; deliveries are ignored). False once violated. */
  feed(e: CallEvent | ReturnEvent | FactEvent): boolean {
    if (this.first) return false;
    if (e.step !== this.step) {
      if (this.step >= 0) this.endStep();
      if (this.first) return false;
      this.step = e.step;
      this.t = e.t;
    }
    this.t = e.t;
    if (e.k === 'call') this.onCall(e);
    else if (e.k === 'return') this.onReturn(e);
    else this.onFact(e.fact);
    return this.first === null;
  }

  /** The end of the history. */
  /** The end of the history; `quiescent`: the run ended because nothing was left to do (not at its bound). */
  finish(quiescent: boolean): SpecViolation | null {
    if (!this.first && this.step >= 0) this.endStep();
    if (this.first || !quiescent) return this.first;
    for (const p of this.pending.values()) {
      this.fail(
        `${capital(p.call.req.type.slice(4))} by ${clientName(p.call.client)} at ${at(p.call.t)} was never answered; the rule (${p.rule}) ${p.expect ? `gives ${p.expect.want}` : 'answers it by its timeout at the latest'}.`,
      );
      break;
    }
    return this.first;
  }

  private fail(message: string): void {
    if (!this.first) this.first = { message, step: this.step, t: this.t };
  }

  // -------------------------------------------------------------------------------------------------
  // Calls

  private onCall(e: CallEvent): void {
    const req = e.req;
    const key = `${e.client}|${req.reqId}`;
    const target = this.resolve(e.to);
    const p = (expect: Pending['expect'], rule: string, entity: SpecEntity | null, session: SpecSession | null) => {
      // The workload's own sends get no answer (nobody is there to take it).
      if (e.client !== '') this.pending.set(key, { call: e, expect, rule, entity, session });
    };
    if (target.kind === 'topic') {
      if (req.type !== 'req.send') return p(expectError('GeneralError'), '§8.3: a topic has no receivers', null, null);
      for (const sub of target.subscriptions) this.send(sub, req.message, true);
      return p(
        expectOk('sent', (r) => (r.seq === null ? null : `seq ${r.seq}`), 'seq null'),
        '§8.3 fan-out',
        null,
        null,
      );
    }
    if (target.kind === 'unknown') return;
    const entity = target.entity;
    if (target.kind === 'session') return this.sessionCall(e, entity, this.ensureSession(entity, target.id), p);
    const sessionful = entity.config.requiresSession;
    switch (req.type) {
      case 'req.send': {
        const out = this.send(entity, req.message, false);
        if (out.kind === 'rejected')
          return p(expectError('GeneralError'), `${out.rule}: the send is rejected`, entity, null);
        return p(
          expectOk('sent', (r) => (r.seq === out.seq ? null : `seq ${String(r.seq)}`), `seq ${out.seq}`),
          'T1/§6: the next sequence number of the entity',
          entity,
          null,
        );
      }
      case 'req.accept': {
        if (!sessionful)
          return p(
            expectError('GeneralError'),
            '§2.2: no session receiver on an entity without sessions',
            entity,
            null,
          );
        if (req.sessionId === null) return p(null, 'T3', entity, null);
        if (req.sessionId.length > SESSION_ID_MAX)
          return p(expectError('GeneralError'), '§2.1: a session id is at most 128 characters', entity, null);
        const session = this.ensureSession(entity, req.sessionId);
        if (session.holder && this.valid(session.holder, e.t)) {
          if (this.switches.acceptNamedWhenLocked === 'wait')
            return p(null, 'T2 (acceptNamedWhenLocked: wait)', entity, session);
          return p(
            expectError('SessionCannotBeLocked'),
            `T2: ${session.holder.client} holds the lock of ${session.id} until ${at(session.holder.untilMs)}`,
            entity,
            session,
          );
        }
        if (session.holder) {
          // The holder's lock ran out at this very instant; its expiry is reported later in the step.
          return p(null, 'T2/T11', entity, session);
        }
        this.evaluateExpiry(entity, session, e.t, true, false, 'T2/§4: expiry is evaluated on accept');
        return p(
          this.expectGrant(entity, session, e.t, e),
          'T2: the lock is granted for the lock duration',
          entity,
          session,
        );
      }
      case 'req.receive': {
        if (sessionful)
          return p(expectError('GeneralError'), '§8.1: no plain receiver on a session entity', entity, null);
        this.plainExpiry(entity, e.t);
        const mode = req.mode ?? 'peekLock';
        const taken = this.takePlain(entity, req.max, mode, e.t);
        if (taken.length === 0 && req.waitMs > 0) {
          entity.parked.push(waitingReceive(e, req, mode));
          return p(null, 'T4 (plain receive waits)', entity, null);
        }
        return p(
          expectReceived(taken, this.switches.deliveryCountView, entity),
          'T4: the first active messages in order',
          entity,
          null,
        );
      }
      case 'req.settle': {
        if (sessionful)
          return p(expectError('GeneralError'), '§8.1: no plain receiver on a session entity', entity, null);
        const m = entity.bySeq.get(req.seq);
        if (!m || m.state !== 'locked' || m.token !== req.token || req.token === null || e.t >= m.lockedUntilMs) {
          return p(
            expectError('MessageLockLost'),
            `T5–T8: ${entity.name}#${req.seq} is not locked under ${String(req.token)} at ${at(e.t)}`,
            entity,
            null,
          );
        }
        this.settle(entity, null, m, req);
        return p(expectOk('settled'), `T5–T8: ${req.action}`, entity, null);
      }
      case 'req.peek': {
        if (sessionful) {
          // A plain receiver may peek a session entity: every session's messages, in sequence order.
          const all = [...entity.sessions.values()].flatMap((x) => x.messages).sort((a, b) => a.seq - b.seq);
          return p(
            expectPeek(all, req.fromSeq, req.max),
            '§11: a plain peek of a session entity shows the messages of all its sessions, by sequence number',
            entity,
            null,
          );
        }
        return p(
          expectPeek(entity.plain, req.fromSeq, req.max),
          '§11: peek shows every message from the cursor',
          entity,
          null,
        );
      }
      default:
        return p(
          expectError('GeneralError'),
          `${req.type.slice(4)} is an operation of a session receiver`,
          entity,
          null,
        );
    }
  }

  private sessionCall(
    e: CallEvent,
    entity: SpecEntity,
    session: SpecSession,
    p: (expect: Pending['expect'], rule: string, entity: SpecEntity | null, session: SpecSession | null) => void,
  ): void {
    const req = e.req;
    const t = e.t;
    const token = 'token' in req ? req.token : null;
    const holder = session.holder;
    const holds = holder !== null && holder.token === token && this.valid(holder, t);
    const lost = (rule: string): string =>
      holder === null || holder.token !== token
        ? `${rule}: ${String(token)} is not the lock of ${session.id}${holder ? ` (${holder.token} is)` : ''}`
        : `${rule}: the lock ${holder.token} of ${session.id} ran out at ${at(holder.untilMs)}`;
    if (req.type === 'req.close') {
      if (req.cause === 'crash' && this.switches.crashSemantics === 'lockExpiry') return; // the broker never hears (§2.6)
      if (!holds)
        return req.cause === 'close'
          ? p(expectOk('closed'), 'T12: closing a lost receiver', entity, session)
          : undefined;
      this.release(entity, session, req.cause, t);
      if (req.cause === 'close') p(expectOk('closed'), 'T12: close releases the lock', entity, session);
      return;
    }
    if (req.type === 'req.send') return p(expectError('GeneralError'), 'send goes to the entity', entity, session);
    if (req.type === 'req.accept') return p(expectError('GeneralError'), 'accept goes to the entity', entity, session);
    if (!holds) {
      return p(expectError('SessionLockLost'), lost(req.type === 'req.renew' ? 'T10' : 'T11/§2.5'), entity, session);
    }
    const h = holder as Holder;
    switch (req.type) {
      case 'req.renew': {
        const until = t + entity.config.lockDurationMs;
        h.untilMs = until;
        return p(
          expectOk(
            'renewed',
            (r) => (r.lockedUntilMs === until ? null : `lockedUntil ${r.lockedUntilMs}ms`),
            `${until}ms`,
          ),
          `T10: renewal sets lockedUntil to now + the lock duration (${t} + ${entity.config.lockDurationMs})`,
          entity,
          session,
        );
      }
      case 'req.receive': {
        this.evaluateExpiry(entity, session, t, false, false, 'T14/§4: expiry is evaluated on receive');
        // §3.1: the receive mode is the receiver's, chosen when it accepted the session.
        const taken = this.takeSession(entity, session, req.max, h.mode, h.token);
        if (taken.length === 0 && req.waitMs > 0) {
          this.parkedSessions.add(session);
          session.parked = waitingReceive(e, req, h.mode);
          return p(null, 'T4 (receive waits)', entity, session);
        }
        return p(
          expectReceived(taken, this.switches.deliveryCountView, null),
          'T4: the lowest-sequence active messages of the session, under its lock',
          entity,
          session,
        );
      }
      case 'req.settle': {
        const m = entity.bySeq.get(req.seq);
        if (!m || m.session !== session.id || m.state !== 'locked' || m.token !== req.token) {
          return p(
            expectError('MessageLockLost'),
            `T5–T8: ${session.id}#${req.seq} is not locked under ${h.token}`,
            entity,
            session,
          );
        }
        this.settle(entity, session, m, req);
        return p(expectOk('settled'), `T5–T8: ${req.action}`, entity, session);
      }
      case 'req.getState': {
        const value = session.state;
        return p(
          expectOk('state', (r) => (r.value === value ? null : `${JSON.stringify(r.value)}`), JSON.stringify(value)),
          'T13/§5: get returns the last value set',
          entity,
          session,
        );
      }
      case 'req.setState': {
        const limit = STATE_LIMIT[entity.config.tier];
        if (req.value !== null && Buffer.byteLength(req.value, 'utf8') > limit)
          return p(expectError('MessageSizeExceeded'), `§5: state over ${limit} bytes`, entity, session);
        session.state = req.value;
        return p(expectOk('stateSet'), 'T13/§5: set replaces the state', entity, session);
      }
      case 'req.receiveDeferred': {
        const missing = req.seqs.find(
          (s) => entity.bySeq.get(s)?.state !== 'deferred' || entity.bySeq.get(s)?.session !== session.id,
        );
        if (missing !== undefined)
          return p(
            expectError('MessageNotFound'),
            `T9: ${session.id}#${missing} is not a deferred message`,
            entity,
            session,
          );
        const got: SpecMessage[] = [];
        for (const seq of [...new Set(req.seqs)].sort((a, b) => a - b)) {
          const m = entity.bySeq.get(seq) as SpecMessage;
          if (m.expiresAtMs !== null && m.expiresAtMs <= t) {
            this.expire(entity, session, m, 'T9/§3.3: an expired deferred message expires when fetched');
            continue;
          }
          m.count++;
          got.push({ ...m });
          if (h.mode === 'receiveAndDelete') this.remove(entity, session, m);
          else Object.assign(m, { state: 'locked', token: h.token, fetched: true });
        }
        return p(
          expectReceived(
            got,
            this.switches.deliveryCountView,
            null,
            'deferred',
            h.mode === 'peekLock' ? h.token : null,
          ),
          'T9/§3.3: fetched deferred messages, each receipt a delivery',
          entity,
          session,
        );
      }
      case 'req.peek':
        return p(
          expectPeek(session.messages, req.fromSeq, req.max),
          '§11: peek shows every message of the session from the cursor',
          entity,
          session,
        );
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Answers

  private onReturn(e: ReturnEvent): void {
    const key = `${e.client}|${e.reply.reqId}`;
    const pending = this.pending.get(key);
    if (!pending) {
      return this.fail(
        `At ${at(e.t)} the broker answered request ${e.reply.reqId} of ${clientName(e.client)} (${describeReply(e.reply)}), which was not waiting for an answer.`,
      );
    }
    this.pending.delete(key);
    const what = `${pending.call.req.type.slice(4)} by ${clientName(e.client)}${pending.call.t === e.t ? '' : ` (asked at ${at(pending.call.t)})`}`;
    if (pending.expect) {
      const problem = pending.expect.check(e.reply);
      if (problem)
        this.fail(
          `${capital(what)} at ${at(e.t)} returned ${problem}; the rule (${pending.rule}) gives ${pending.expect.want}.`,
        );
      return;
    }
    const problem = this.judgeWaiting(pending, e.reply, e.t);
    if (problem) this.fail(`${capital(what)} at ${at(e.t)} returned ${describeReply(e.reply)}, but ${problem}.`);
  }

  /** A call that waited is answered: is this answer one the rules allow now? */
  private judgeWaiting(pending: Pending, reply: ReplyEvent, t: number): string | null {
    const req = pending.call.req;
    const entity = pending.entity;
    if (!entity) return null;
    if (req.type === 'req.accept') {
      if (!reply.ok) {
        if (reply.error.code !== 'ServiceTimeout') return `only a timeout ends a waiting accept (T3)`;
        if (t < pending.call.t + this.switches.acceptTimeoutMs)
          return `the accept timeout is ${this.switches.acceptTimeoutMs}ms (T3), so it cannot time out before ${at(pending.call.t + this.switches.acceptTimeoutMs)}`;
        if (req.sessionId === null) {
          const open = this.available(entity, t);
          if (open.length > 0) return `session ${open[0]?.id} was available (T3: unlocked, with an active message)`;
        }
        return null;
      }
      if (reply.result.kind !== 'accepted') return 'an accept is answered with a session lock or an error';
      const session = entity.sessions.get(reply.result.sessionId);
      if (!session) return `the entity never had session ${reply.result.sessionId}`;
      if (req.sessionId !== null && req.sessionId !== session.id) return `it asked for session ${req.sessionId} (T2)`;
      if (session.holder) {
        if (this.valid(session.holder, t))
          return `${session.holder.client} held the lock of ${session.id} until ${at(session.holder.untilMs)} (T2: one holder)`;
        // Granted at the old lock's deadline: the old lock is over (T11); its release is reported later.
        this.lockGone(entity, session, 'lockExpired', t);
      }
      if (req.sessionId === null) {
        const open = this.available(entity, t);
        if (!open.includes(session))
          return `session ${session.id} was not available (T3: accept-next grants only an unlocked session with an active, unexpired message)`;
        if (this.switches.acceptNextChoice === 'oldestFirst' && open[0] !== session)
          return `acceptNextChoice is oldestFirst, and ${open[0]?.id} is older (§2.3)`;
        this.evaluateExpiry(entity, session, t, true, false, 'T3/§4: expiry is evaluated on accept');
      } else {
        this.evaluateExpiry(entity, session, t, true, false, 'T2/§4: expiry is evaluated on accept');
      }
      return this.expectGrant(entity, session, t, pending.call).check(reply);
    }
    if (req.type === 'req.receive') {
      const session = pending.session;
      const parked = session
        ? session.parked
        : entity.parked.find((w) => w.client === pending.call.client && w.reqId === req.reqId);
      if (!parked || parked.reqId !== req.reqId || parked.client !== pending.call.client)
        return 'that receive was no longer waiting';
      if (session) {
        session.parked = null;
        this.parkedSessions.delete(session);
        this.parkedSessions.delete(session);
      } else entity.parked.splice(entity.parked.indexOf(parked), 1);
      if (!reply.ok) {
        if (reply.error.code !== 'SessionLockLost')
          return 'a waiting receive ends with messages, empty at its wait time, or SessionLockLost';
        return session && session.holder?.client === parked.client && this.valid(session.holder, t)
          ? `${parked.client} still held the lock of ${session.id} until ${at(session.holder.untilMs)} (T11)`
          : null;
      }
      if (reply.result.kind !== 'received') return 'a receive is answered with messages';
      if (reply.result.messages.length === 0) {
        if (t !== parked.callT + parked.waitMs)
          return `an empty answer comes at the end of its wait, ${at(parked.callT + parked.waitMs)}`;
        return null;
      }
      let taken: SpecMessage[];
      if (session) {
        if (!session.holder || session.holder.client !== parked.client || !this.valid(session.holder, t))
          return `${parked.client} no longer held the lock of ${session.id} (T11)`;
        this.evaluateExpiry(entity, session, t, false, false, 'T14/§4: a message is never delivered once expired');
        taken = this.takeSession(entity, session, parked.max, parked.mode, session.holder.token);
      } else {
        this.plainExpiry(entity, t);
        taken = this.takePlain(entity, parked.max, parked.mode, t);
      }
      const answer = expectReceived(taken, this.switches.deliveryCountView, session === null ? entity : null);
      const problem = answer.check(reply);
      return problem === null
        ? null
        : `the rule (T4/T14: the lowest-sequence active, unexpired messages) gives ${answer.want}`;
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------------
  // Facts: the broker's report of what it did

  private onFact(f: Fact): void {
    if (f.kind === 'lockExpired') return this.onLockExpired(f);
    const key = factKey(f);
    if (key === null) return;
    this.actual.push({ key, subject: subjectOf(f), fact: f });
  }

  private onLockExpired(f: Extract<Fact, { kind: 'lockExpired' }>): void {
    const entity = this.entities.get(f.entity);
    if (!entity) return;
    if (f.session === null) {
      const m = [...entity.bySeq.values()].find((x) => x.state === 'locked' && x.token === f.token);
      if (!m)
        return this.fail(
          `At ${at(this.t)} the message lock ${f.token} of ${f.entity} expired, but no message was locked under it.`,
        );
      if (this.t !== m.lockedUntilMs)
        return this.fail(
          `The message lock ${f.token} of ${f.entity}#${m.seq} expired at ${at(this.t)}; the rule (§2.4, D4) gives ${at(m.lockedUntilMs)}, when it was locked for the lock duration.`,
        );
      this.requeue(entity, null, m, 'lockExpired', 1, 'T11 for a message lock: +1, and it is active again');
      return;
    }
    const session = entity.sessions.get(f.session);
    const holder = session?.holder;
    if (!session || !holder || holder.token !== f.token)
      return this.fail(
        `At ${at(this.t)} the session lock ${f.token} of ${f.session} expired, but it was not the session's lock${holder ? ` (${holder.token} was)` : ''}.`,
      );
    if (this.t !== holder.untilMs)
      return this.fail(
        `The session lock ${f.token} of ${f.session} expired at ${at(this.t)}; the rule (T10/T11) gives ${at(holder.untilMs)}, its lockedUntil after the last renewal.`,
      );
    this.lockGone(entity, session, 'lockExpired', this.t);
  }

  // -------------------------------------------------------------------------------------------------
  // End of a step: effects reconciled, nothing left unanswered, waiting calls served when they can be

  private endStep(): void {
    this.reconcile();
    if (this.first) return;
    for (const p of this.pending.values()) {
      if (p.expect && p.call.step === this.step)
        return this.fail(
          `${capital(p.call.req.type.slice(4))} by ${clientName(p.call.client)} at ${at(p.call.t)} got no answer; the rule (${p.rule}) answers at once.`,
        );
    }
    for (const session of this.parkedSessions) {
      const parked = session.parked;
      const ready = parked && session.holder?.client === parked.client && this.valid(session.holder, this.t);
      const first = ready ? firstActive(session.messages, this.t) : undefined;
      if (parked && first)
        return this.fail(
          `At ${at(this.t)} a receive of ${parked.client} was waiting on ${session.id} although ${describeMessages([first])} was active (T4: a waiting receive takes a message as soon as one is there).`,
        );
    }
  }

  private reconcile(): void {
    const expected = this.expected;
    const actual = this.actual;
    this.expected = [];
    this.actual = [];
    const left = new Map<string, Expectation[]>();
    for (const x of expected) {
      const list = left.get(x.key);
      if (list) list.push(x);
      else left.set(x.key, [x]);
    }
    const extra: { key: string; subject: string; fact: Fact }[] = [];
    for (const a of actual) {
      const list = left.get(a.key);
      if (list && list.length > 0) {
        list.pop();
        continue;
      }
      extra.push(a);
    }
    // Reported effects nobody predicted: lazy expiry is allowed when legal (and brings its dead-letter
    // with it), anything else is not.
    const unexplained: typeof extra = [];
    for (const a of extra) if (a.fact.kind === 'expired' && !this.lazyExpiry(a.fact, extra)) unexplained.push(a);
    for (const a of extra) {
      if (a.fact.kind === 'expired') continue;
      const list = left.get(a.key);
      const lazy = this.expected.findIndex((x) => x.key === a.key);
      if (list && list.length > 0) list.pop();
      else if (lazy >= 0) this.expected.splice(lazy, 1);
      else unexplained.push(a);
    }
    const missing = [...left.values()].flat().concat(this.expected);
    this.expected = [];
    if (unexplained.length === 0 && missing.length === 0) return;
    const a = unexplained[0];
    if (a) {
      const same = missing.find((m) => m.subject === a.subject);
      if (same)
        return this.fail(`At ${at(this.t)} the broker reported ${a.key}; the rule (${same.rule}) gives ${same.key}.`);
      return this.fail(`At ${at(this.t)} the broker reported ${a.key}, which no rule explains here.`);
    }
    const m = missing[0] as Expectation;
    this.fail(`At ${at(this.t)} the rule (${m.rule}) gives ${m.key}, but the broker did not report it.`);
  }

  /** Expiry the broker ran on its own (the background tick, or a session accept-next tried and found empty). */
  private lazyExpiry(f: Extract<Fact, { kind: 'expired' }>, step: readonly { fact: Fact }[]): boolean {
    const entity = this.entities.get(f.entity);
    const m = entity?.bySeq.get(f.seq);
    if (!entity || !m || m.state !== 'active' || f.deadLettered !== entity.config.deadLetteringOnMessageExpiration)
      return false;
    const due = m.expiresAtMs !== null && m.expiresAtMs <= this.t;
    const session = m.session === null ? null : (entity.sessions.get(m.session) ?? null);
    if (!due) {
      // The session-wide rule: an unlocked session with an expired message expires all its active ones.
      if (!session || !this.switches.sessionWideExpiry || session.holder) return false;
      const trigger = session.messages.some(
        (x) => x !== m && x.state === 'active' && x.expiresAtMs !== null && x.expiresAtMs <= this.t,
      );
      const others = step.some(
        (x) =>
          x.fact.kind === 'expired' &&
          x.fact.entity === f.entity &&
          x.fact.session === f.session &&
          x.fact.seq !== f.seq,
      );
      if (!trigger && !others) return false;
    }
    this.remove(entity, session, m);
    if (f.deadLettered)
      this.remember(
        `deadLettered ${f.entity}#${f.seq} reason=${TTL_EXPIRED} count=${m.count}`,
        `deadLettered ${f.entity}#${f.seq}`,
        '§4: expired messages go to the DLQ',
      );
    return true;
  }

  // -------------------------------------------------------------------------------------------------
  // The rules

  private valid(h: Holder, t: number): boolean {
    return t < h.untilMs;
  }

  private ensureSession(entity: SpecEntity, id: string): SpecSession {
    let s = entity.sessions.get(id);
    if (!s) {
      s = { id, order: this.sessionsSeen++, messages: [], holder: null, state: null, parked: null };
      entity.sessions.set(id, s);
    }
    return s;
  }

  /** T1, §4, §6, §8.1: a send to one entity. */
  private send(
    entity: SpecEntity,
    spec: ClientRequest & { type: 'req.send' } extends { message: infer M } ? M : never,
    viaTopic: boolean,
  ) {
    const cfg = entity.config;
    if (spec.sessionId !== undefined && spec.sessionId.length > SESSION_ID_MAX)
      return { kind: 'rejected' as const, rule: '§2.1: a session id is at most 128 characters' };
    if (cfg.requiresSession && spec.sessionId === undefined && !viaTopic && cfg.kind === 'queue') {
      this.remember(
        `sendRejected ${cfg.name} id=${spec.messageId}`,
        `sendRejected ${cfg.name} ${spec.messageId}`,
        '§8.1: a session queue rejects a message without a session id',
      );
      return { kind: 'rejected' as const, rule: '§8.1: a session queue rejects a message without a session id' };
    }
    const seq = entity.nextSeq++;
    const t = this.t;
    const ceiling = cfg.defaultMessageTimeToLiveMs;
    const ttl = spec.ttlMs === undefined ? ceiling : ceiling === null ? spec.ttlMs : Math.min(spec.ttlMs, ceiling);
    const expiresAtMs = ttl === null ? null : t + ttl;
    const session = cfg.requiresSession ? (spec.sessionId ?? null) : null;
    this.remember(
      `sent ${cfg.name}#${seq} id=${spec.messageId} session=${session ?? '-'} expiresAt=${expiresAtMs ?? 'never'}`,
      `sent ${cfg.name}#${seq}`,
      'T1/§6/§4: the next sequence number, expiry at enqueue time + TTL (the entity default as ceiling)',
    );
    if (cfg.requiresSession && session === null) {
      this.remember(
        `deadLettered ${cfg.name}#${seq} reason=${SESSION_ID_NULL} count=0`,
        `deadLettered ${cfg.name}#${seq}`,
        '§8.1/§3.5: a session subscription dead-letters a message without a session id',
      );
      return { kind: 'sent' as const, seq };
    }
    const m: SpecMessage = {
      seq,
      messageId: spec.messageId,
      session,
      expiresAtMs,
      count: 0,
      state: 'active',
      token: null,
      lockedUntilMs: 0,
      fetched: false,
    };
    entity.bySeq.set(seq, m);
    if (session === null) entity.plain.push(m);
    else this.ensureSession(entity, session).messages.push(m);
    return { kind: 'sent' as const, seq };
  }

  /** T2: the lock of `session` for the lock duration, under a token never handed out before. */
  private expectGrant(entity: SpecEntity, session: SpecSession, t: number, call: CallEvent): Answer {
    const until = t + entity.config.lockDurationMs;
    const mode: Mode = call.req.type === 'req.accept' ? call.req.mode : 'peekLock';
    return {
      want: `the lock of ${session.id} until ${at(until)}`,
      check: (reply) => {
        if (!reply.ok || reply.result.kind !== 'accepted') return describeReply(reply);
        const r = reply.result;
        if (r.sessionId !== session.id) return `session ${r.sessionId}`;
        if (r.lockedUntilMs !== until) return `lockedUntil ${r.lockedUntilMs}ms`;
        if (entity.tokens.has(r.token))
          return `lock token ${r.token}, which was handed out before (a new lock has a new token)`;
        entity.tokens.add(r.token);
        session.holder = { client: call.client, token: r.token, untilMs: until, mode };
        return null;
      },
    };
  }

  /** Sessions accept-next may grant now: unlocked, with an active message and, after lazy expiry, one left (§2.3, §4). */
  private available(entity: SpecEntity, t: number): SpecSession[] {
    const out: SpecSession[] = [];
    for (const s of entity.sessions.values()) {
      if (s.holder) continue;
      let live = false;
      let dead = false;
      for (const m of s.messages) {
        if (m.state !== 'active') continue;
        if (m.expiresAtMs !== null && m.expiresAtMs <= t) dead = true;
        else live = true;
      }
      if (live && !(dead && this.switches.sessionWideExpiry)) out.push(s);
    }
    return out.sort((a, b) => a.order - b.order);
  }

  /** §4: lazy expiry of a session's active messages; on an unlocked session one expired message expires them all. */
  private evaluateExpiry(
    entity: SpecEntity,
    session: SpecSession,
    t: number,
    unlocked: boolean,
    triggered: boolean,
    rule: string,
  ): void {
    const due = (m: SpecMessage) => m.state === 'active' && m.expiresAtMs !== null && m.expiresAtMs <= t;
    const any = session.messages.some(due);
    const wide = unlocked && this.switches.sessionWideExpiry && (triggered || any);
    if (!any && !wide) return;
    for (const m of [...session.messages]) {
      if (due(m)) this.expire(entity, session, m, rule);
      else if (wide && m.state === 'active')
        this.expire(entity, session, m, `${rule}; §4 session-wide: one expired message expires the unlocked session`);
    }
  }

  private plainExpiry(entity: SpecEntity, t: number): void {
    const due = (m: SpecMessage) => m.state === 'active' && m.expiresAtMs !== null && m.expiresAtMs <= t;
    if (!entity.plain.some(due)) return;
    for (const m of [...entity.plain]) {
      if (due(m)) this.expire(entity, null, m, '§4: expiry is evaluated on receive');
    }
  }

  private expire(entity: SpecEntity, session: SpecSession | null, m: SpecMessage, rule: string): void {
    const dlq = entity.config.deadLetteringOnMessageExpiration;
    this.remember(
      `expired ${entity.name}#${m.seq} ${dlq ? 'to the DLQ' : 'dropped'}`,
      `expired ${entity.name}#${m.seq}`,
      `${rule}; D2: dropped, or dead-lettered when deadLetteringOnMessageExpiration is on`,
    );
    if (dlq)
      this.remember(
        `deadLettered ${entity.name}#${m.seq} reason=${TTL_EXPIRED} count=${m.count}`,
        `deadLettered ${entity.name}#${m.seq}`,
        '§4/§3.5: TTLExpiredException',
      );
    this.remove(entity, session, m);
  }

  private remove(entity: SpecEntity, session: SpecSession | null, m: SpecMessage): void {
    entity.bySeq.delete(m.seq);
    const list = session ? session.messages : entity.plain;
    const i = list.indexOf(m);
    if (i >= 0) list.splice(i, 1);
  }

  private takeSession(entity: SpecEntity, session: SpecSession, max: number, mode: Mode, token: string): SpecMessage[] {
    const out: SpecMessage[] = [];
    const taken: SpecMessage[] = [];
    for (const m of session.messages) {
      if (out.length >= max) break;
      if (m.state !== 'active') continue;
      out.push({ ...m, token: mode === 'peekLock' ? token : null });
      taken.push(m);
    }
    for (const m of taken) {
      if (mode === 'receiveAndDelete') this.remove(entity, session, m);
      else Object.assign(m, { state: 'locked', token });
    }
    return out;
  }

  private takePlain(entity: SpecEntity, max: number, mode: Mode, t: number): SpecMessage[] {
    const out: SpecMessage[] = [];
    const taken: SpecMessage[] = [];
    for (const m of entity.plain) {
      if (out.length >= max) break;
      if (m.state !== 'active') continue;
      out.push({ ...m, token: null });
      taken.push(m);
    }
    for (const m of taken) {
      if (mode === 'receiveAndDelete') this.remove(entity, null, m);
      else Object.assign(m, { state: 'locked', token: null, lockedUntilMs: t + entity.config.lockDurationMs });
    }
    return out;
  }

  /** T5–T8 on a locked message. */
  private settle(
    entity: SpecEntity,
    session: SpecSession | null,
    m: SpecMessage,
    req: Extract<ClientRequest, { type: 'req.settle' }>,
  ): void {
    switch (req.action) {
      case 'complete':
        this.remove(entity, session, m);
        return;
      case 'deadLetter':
        this.remember(
          `deadLettered ${entity.name}#${m.seq} reason=${req.reason ?? ''} count=${m.count}`,
          `deadLettered ${entity.name}#${m.seq}`,
          "T8: dead-lettered with the application's reason, count unchanged",
        );
        this.remove(entity, session, m);
        return;
      case 'abandon':
        this.requeue(
          entity,
          session,
          m,
          'abandon',
          1,
          'T6: abandon raises the count by one and serves the message next',
        );
        return;
      case 'defer': {
        const by = this.switches.deferCountsAsAttempt ? 1 : 0;
        if (by > 0 && m.count + by >= entity.config.maxDeliveryCount) {
          m.count += by;
          this.remember(
            `deadLettered ${entity.name}#${m.seq} reason=${MAX_DELIVERY} count=${m.count}`,
            `deadLettered ${entity.name}#${m.seq}`,
            'T7/§3.4 (deferCountsAsAttempt): the attempt that reaches MaxDeliveryCount dead-letters',
          );
          this.remove(entity, session, m);
          return;
        }
        m.count += by;
        Object.assign(m, { state: 'deferred', token: null, fetched: false });
        return;
      }
    }
  }

  /** A locked message is given back (abandon, lock expiry, close): +`by`, MDC, expiry once unlocked. */
  private requeue(
    entity: SpecEntity,
    session: SpecSession | null,
    m: SpecMessage,
    cause: string,
    by: number,
    rule: string,
  ): 'back' | 'deadLettered' | 'expired' {
    // §3.3: a fetched deferred message's fetch was its delivery; giving it back adds nothing more.
    if (m.fetched) by = 0;
    m.count += by;
    if (by > 0 && m.count >= entity.config.maxDeliveryCount) {
      this.remember(
        `deadLettered ${entity.name}#${m.seq} reason=${MAX_DELIVERY} count=${m.count}`,
        `deadLettered ${entity.name}#${m.seq}`,
        `${rule}; §3.4: the failed attempt number MaxDeliveryCount (${entity.config.maxDeliveryCount}) dead-letters`,
      );
      this.remove(entity, session, m);
      return 'deadLettered';
    }
    if (m.fetched) {
      // §3.3: a fetched deferred message given back stays deferred (retrievable by sequence number only).
      this.remember(
        `requeued ${entity.name}#${m.seq} count=${m.count} cause=${cause}`,
        `requeued ${entity.name}#${m.seq}`,
        `${rule}; §3.3: a fetched deferred message goes back to the deferred ones`,
      );
      Object.assign(m, { state: 'deferred', token: null });
      return 'back';
    }
    this.remember(
      `requeued ${entity.name}#${m.seq} count=${m.count} cause=${cause}`,
      `requeued ${entity.name}#${m.seq}`,
      rule,
    );
    Object.assign(m, { state: 'active', token: null });
    if (m.expiresAtMs === null || m.expiresAtMs > this.t) return 'back';
    this.expire(entity, session, m, `${rule}; D2: a locked message expires at once when it is released`);
    return 'expired';
  }

  /** T12: close, detach or crash releases the lock at once, messages back without an increment. */
  private release(entity: SpecEntity, session: SpecSession, cause: 'close' | 'detach' | 'crash', t: number): void {
    const h = session.holder as Holder;
    this.remember(
      `lockReleased ${entity.name}/${session.id} token=${h.token} cause=${cause}`,
      `lockReleased ${entity.name}/${session.id}`,
      `T12: ${cause} releases the session lock at once`,
    );
    this.lockGone(entity, session, cause, t);
  }

  /** The lock is over: messages back (+1 on expiry, T11; none on release, T12), the waiting receive ends, expiry runs. */
  private lockGone(
    entity: SpecEntity,
    session: SpecSession,
    cause: 'lockExpired' | 'close' | 'detach' | 'crash',
    t: number,
  ): void {
    const h = session.holder as Holder;
    const expiry = cause === 'lockExpired';
    let anyExpired = false;
    for (const m of [...session.messages]) {
      if (m.state === 'locked' && m.token === h.token) {
        const rule = expiry
          ? 'T11: lock expiry raises the count of the messages delivered under it'
          : `T12: ${cause} gives messages back without an increment`;
        if (this.requeue(entity, session, m, cause, expiry ? 1 : 0, rule) === 'expired') anyExpired = true;
      } else if (expiry && this.switches.lockExpiryIncrementScope === 'all' && m.state === 'active') {
        m.count++;
        if (m.count >= entity.config.maxDeliveryCount) {
          this.remember(
            `deadLettered ${entity.name}#${m.seq} reason=${MAX_DELIVERY} count=${m.count}`,
            `deadLettered ${entity.name}#${m.seq}`,
            'T11 (lockExpiryIncrementScope: all); §3.4',
          );
          this.remove(entity, session, m);
        }
      }
    }
    session.holder = null;
    if (session.parked && session.parked.client === h.client) {
      const parked = session.parked;
      session.parked = null;
      const key = `${parked.client}|${parked.reqId}`;
      const p = this.pending.get(key);
      if (p) {
        if (cause === 'lockExpired' || cause === 'detach') {
          this.pending.set(key, {
            ...p,
            expect: expectError('SessionLockLost'),
            rule: `T11/§2.5: the waiting receive fails when the lock is ${cause === 'detach' ? 'lost' : 'over'}`,
          });
        } else this.pending.delete(key); // the receiver is closing; its waiting receive is dropped
      }
    }
    this.evaluateExpiry(entity, session, t, true, anyExpired, '§4: expiry is evaluated when the lock is released');
  }

  private remember(key: string, subject: string, rule: string): void {
    this.expected.push({ key, subject, rule });
  }

  private resolve(
    actor: string,
  ):
    | { kind: 'entity'; entity: SpecEntity }
    | { kind: 'topic'; subscriptions: SpecEntity[] }
    | { kind: 'session'; entity: SpecEntity; id: string }
    | { kind: 'unknown' } {
    if (actor.startsWith('entity:')) {
      const e = this.entities.get(actor.slice(7));
      return e ? { kind: 'entity', entity: e } : { kind: 'unknown' };
    }
    if (actor.startsWith('topic:')) {
      const subs = this.topics.get(actor.slice(6));
      return subs
        ? { kind: 'topic', subscriptions: subs.flatMap((s) => this.entities.get(s) ?? []) }
        : { kind: 'unknown' };
    }
    if (actor.startsWith('session:')) {
      const rest = actor.slice(8);
      let best: SpecEntity | undefined;
      for (const e of this.entities.values())
        if (rest.startsWith(`${e.name}/`) && (!best || e.name.length > best.name.length)) best = e;
      return best ? { kind: 'session', entity: best, id: rest.slice(best.name.length + 1) } : { kind: 'unknown' };
    }
    return { kind: 'unknown' };
  }
}

// ---------------------------------------------------------------------------------------------------
// Expected answers

type OkResult<K extends string> = Extract<Extract<ReplyEvent, { ok: true }>['result'], { kind: K }>;

function expectError(code: string): Answer {
  return {
    want: `error ${code}`,
    check: (reply) =>
      reply.ok ? describeReply(reply) : reply.error.code === code ? null : `error ${reply.error.code}`,
  };
}

function expectOk<K extends Extract<ReplyEvent, { ok: true }>['result']['kind']>(
  kind: K,
  check?: (r: OkResult<K>) => string | null,
  want: string = kind,
): Answer {
  return {
    want,
    check: (reply) => {
      if (!reply.ok) return `error ${reply.error.code} (${reply.error.message})`;
      if (reply.result.kind !== kind) return describeReply(reply);
      return check ? check(reply.result as OkResult<K>) : null;
    },
  };
}

/** T4/T9: exactly these messages, in order, with their counts, state and lock token. */
function expectReceived(
  taken: readonly SpecMessage[],
  view: string,
  /** A non-session entity: its message locks' tokens are learnt from the answer (each must be new). */
  plain: SpecEntity | null,
  state: 'active' | 'deferred' = 'active',
  token?: string | null,
): Answer {
  const countOf = (x: SpecMessage) => (view === 'plusOne' ? x.count + 1 : x.count);
  return {
    want: `received ${taken.length === 0 ? 'nothing' : taken.map((x) => `${x.session ?? ''}#${x.seq} (count ${countOf(x)})`).join(', ')}`,
    check: (reply) => {
      if (!reply.ok) return `error ${reply.error.code}`;
      if (reply.result.kind !== 'received') return describeReply(reply);
      const got = reply.result.messages;
      if (got.length !== taken.length || got.some((m, i) => m.seq !== taken[i]?.seq))
        return `received ${describeReceived(got)}`;
      for (let i = 0; i < got.length; i++) {
        const g = got[i] as ReceivedMessage;
        const x = taken[i] as SpecMessage;
        const name = `${x.session ?? ''}#${x.seq}`;
        if (g.deliveryCount !== countOf(x)) return `${name} with delivery count ${g.deliveryCount} (§3.4)`;
        if (g.state !== state) return `${name} in state ${g.state}`;
        const want = token !== undefined ? token : x.token;
        if (!plain && g.lockToken !== want)
          return `${name} under lock token ${String(g.lockToken)} (§3.2: the session lock's)`;
        if (g.expiresAtMs !== x.expiresAtMs) return `${name} expiring at ${String(g.expiresAtMs)}ms`;
      }
      if (plain) {
        for (const g of got) {
          const live = plain.bySeq.get(g.seq);
          if (!live) continue; // receive-and-delete: gone, no lock
          if (g.lockToken === null || plain.tokens.has(g.lockToken))
            return `${g.seq} under lock token ${String(g.lockToken)} (§3.2: each delivery in peek-lock gets a new message lock)`;
          plain.tokens.add(g.lockToken);
          live.token = g.lockToken;
        }
      }
      return null;
    },
  };
}

/** §11: every message from the cursor, whatever its state, with its raw count. */
function expectPeek(messages: readonly SpecMessage[], fromSeq: number, max: number): Answer {
  const want = messages
    .filter((m) => m.seq >= fromSeq)
    .slice(0, max)
    .map((m) => ({ seq: m.seq, count: m.count, state: m.state === 'deferred' ? 'deferred' : 'active' }));
  return {
    want: `peeked ${want.length === 0 ? 'nothing' : want.map((w) => `#${w.seq} (count ${w.count})`).join(', ')}`,
    check: (reply) => {
      if (!reply.ok) return `error ${reply.error.code}`;
      if (reply.result.kind !== 'peeked') return describeReply(reply);
      const got = reply.result.messages;
      if (got.length !== want.length || got.some((m, i) => m.seq !== want[i]?.seq))
        return `peeked ${describeReceived(got)}`;
      for (let i = 0; i < got.length; i++) {
        const g = got[i] as ReceivedMessage;
        const w = want[i] as { seq: number; count: number; state: string };
        if (g.deliveryCount !== w.count) return `#${g.seq} with delivery count ${g.deliveryCount}`;
        if (g.state !== w.state) return `#${g.seq} in state ${g.state}`;
      }
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Words

function factKey(f: Fact): string | null {
  switch (f.kind) {
    case 'sent':
      return `sent ${f.entity}#${f.seq} id=${f.messageId} session=${f.session ?? '-'} expiresAt=${f.expiresAtMs ?? 'never'}`;
    case 'sendRejected':
      return `sendRejected ${f.entity} id=${f.messageId}`;
    case 'requeued':
      return `requeued ${f.entity}#${f.seq} count=${f.deliveryCount} cause=${f.cause}`;
    case 'deadLettered':
      return `deadLettered ${f.entity}#${f.seq} reason=${f.reason} count=${f.deliveryCount}`;
    case 'expired':
      return `expired ${f.entity}#${f.seq} ${f.deadLettered ? 'to the DLQ' : 'dropped'}`;
    case 'lockReleased':
      return `lockReleased ${f.entity}/${f.session} token=${f.token} cause=${f.cause}`;
    default:
      return null;
  }
}

function subjectOf(f: Fact): string {
  switch (f.kind) {
    case 'sendRejected':
      return `sendRejected ${f.entity} ${f.messageId}`;
    case 'lockReleased':
      return `lockReleased ${f.entity}/${f.session}`;
    default:
      return `${f.kind} ${'entity' in f ? f.entity : ''}#${'seq' in f ? f.seq : ''}`;
  }
}

function describeReply(r: ReplyEvent): string {
  if (!r.ok) return `error ${r.error.code}`;
  const x = r.result;
  switch (x.kind) {
    case 'received':
      return `received ${describeReceived(x.messages)}`;
    case 'peeked':
      return `peeked ${describeReceived(x.messages)}`;
    case 'accepted':
      return `the lock of ${x.sessionId} until ${at(x.lockedUntilMs)}`;
    case 'renewed':
      return `lockedUntil ${x.lockedUntilMs}ms`;
    case 'state':
      return `state ${JSON.stringify(x.value)}`;
    case 'sent':
      return `sent as #${String(x.seq)}`;
    default:
      return x.kind;
  }
}

function describeReceived(ms: readonly ReceivedMessage[]): string {
  return ms.length === 0
    ? 'nothing'
    : ms.map((m) => `${m.sessionId ?? ''}#${m.seq} (count ${m.deliveryCount})`).join(', ');
}

function describeMessages(ms: readonly SpecMessage[]): string {
  return ms.length === 0
    ? 'nothing'
    : ms.map((m) => `${m.session ?? ''}#${m.seq} (${m.messageId}, count ${m.count})`).join(', ');
}

function firstActive(messages: readonly SpecMessage[], t: number): SpecMessage | undefined {
  return messages.find((m) => m.state === 'active' && (m.expiresAtMs === null || m.expiresAtMs > t));
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
