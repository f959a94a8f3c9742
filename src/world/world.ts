/**
 * The world: builds the actors of a workload, owns their mailboxes and the virtual clock, and runs the
 * scheduling loop. One step = one Chooser decision (deliver the head of one mailbox, or fire one due
 * timer), followed by every broker-internal hand-off it causes, run to completion.
 *
 * Execution style: each machine is a live XState actor (`createActor` + `send`). A machine never talks
 * to another actor directly; it emits effects (models/events.ts) that the world routes. XState's own
 * mailbox therefore never interleaves anything: every interleaving is a decision made here.
 */
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { createActor } from 'xstate';
import type { ConsumerContext } from '../../models/consumer.ts';
import type { EntityContext } from '../../models/entity.ts';
import { lockActorId, sessionActorId } from '../../models/entity.ts';
import type { ActorId, ClientRequest, Effect, Fact, ReplyEvent, SimEvent } from '../../models/events.ts';
import type { SessionContext } from '../../models/session.ts';
import type { SessionLockContext } from '../../models/session-lock.ts';
import type { Chooser, Decision } from '../sim/chooser.ts';
import type { Timer } from '../sim/timers.ts';
import { Timers } from '../sim/timers.ts';
import type { TraceEvent, Via } from '../trace/types.ts';
import type { Machines } from './machines.ts';
import { machinesFor } from './machines.ts';
import type { Fault, Workload } from './workload.ts';
import type { TransitionCounts } from '../machines/inspect.ts';
import { coverageInspector } from '../machines/inspect.ts';

interface Envelope {
  readonly event: SimEvent;
  readonly from: ActorId;
  readonly sentAtMs: number;
}

interface ActorRec {
  readonly id: ActorId;
  readonly ref: AnyActorRef | null;
  /** External clients (the driver, the SDK facade) receive through a sink instead of a machine. */
  readonly sink: ((event: SimEvent, world: World) => void) | null;
  readonly mailbox: Envelope[];
  readonly broker: boolean;
  /** Place in creation order: the order in which the scheduler offers mailbox heads. */
  readonly rank: number;
}

export type TraceLevel = 'full' | 'facts';

export interface WorldOptions {
  readonly chooser: Chooser;
  /** `facts` records only facts: faster, for property search. Default `full`. */
  readonly trace?: TraceLevel;
  /** Sees every actor created and every event delivered to a machine (the benchmark records these). */
  readonly observer?: WorldObserver;
  /**
   * Counts every machine transition taken, by its stable id (src/machines/inspect.ts), through XState's
   * inspection API. Left out, actors are created without an inspector and nothing is counted.
   */
  readonly coverage?: TransitionCounts;
}

/**
 * What the world does to XState, in order: each actor it creates (machine and input) and each event it
 * sends to one. Replaying these with createActor + send alone redoes the run's machine work exactly.
 */
export interface WorldObserver {
  spawned(id: ActorId, machine: AnyStateMachine, input: unknown): void;
  /** Called before the send; `event` already carries its `nowMs`. */
  delivered(id: ActorId, event: SimEvent): void;
}

export interface RunResult {
  readonly trace: readonly TraceEvent[];
  readonly decisions: readonly Decision[];
  readonly final: WorldState;
  readonly steps: number;
  readonly hitBound: boolean;
  readonly endedAtMs: number;
}

export interface SessionState {
  readonly messages: SessionContext['messages'];
  readonly holder: SessionContext['holder'];
  readonly state: string | null;
  readonly lock: string;
}

export interface EntityState {
  readonly nextSeq: number;
  readonly deadLetters: EntityContext['dlq'];
  readonly sessions: Readonly<Record<string, SessionState>>;
  /** Non-session entities: the messages the entity holds itself. */
  readonly messages: EntityContext['messages'];
}

export interface WorldState {
  readonly nowMs: number;
  readonly entities: Readonly<Record<string, EntityState>>;
  readonly consumers: Readonly<
    Record<string, { readonly state: string; readonly session: string | null; readonly checkpoint: string | null }>
  >;
}

/**
 * A machine threw while starting or while handling an event: a bug in a model (or a workload it cannot
 * handle), never a property violation. XState would otherwise stop the actor quietly — every later
 * event to it ignored — and rethrow from a timer after the run, so the world stops at once instead.
 */
export class ActorFailure extends Error {
  override readonly name = 'ActorFailure';
  constructor(
    readonly actor: ActorId,
    readonly eventType: string,
    readonly step: number,
    readonly atMs: number,
    readonly error: unknown,
  ) {
    super(
      `${actor} threw while handling ${eventType} (step ${step}, t=${atMs}ms): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const isBrokerId = (id: ActorId): boolean =>
  id.startsWith('session:') || id.startsWith('lock:') || id.startsWith('entity:') || id.startsWith('topic:');

export const entityActorId = (name: string): ActorId => `entity:${name}`;
export const topicActorId = (name: string): ActorId => `topic:${name}`;
export const consumerActorId = (id: string): ActorId => `consumer:${id}`;

export class World {
  readonly workload: Workload;
  readonly chooser: Chooser;
  readonly trace: TraceEvent[] = [];
  nowMs = 0;
  steps = 0;
  hitBound = false;

  private readonly level: TraceLevel;
  private readonly actors = new Map<ActorId, ActorRec>();
  /**
   * The actors whose mailbox is not empty, in creation order: what the scheduler walks every step. Walking
   * every actor instead cost each step as much as the run had sessions (two actors each, never removed).
   */
  private readonly pending: ActorRec[] = [];
  private readonly timers = new Timers();
  /**
   * The options of the current step, in order: first the `readyCount` actors whose mailbox has a head
   * (`ready`, reused from step to step; entries past the count are stale), then the first `dueTimers`
   * timers in firing order.
   */
  private readonly ready: ActorRec[] = [];
  private readyCount = 0;
  private dueTimers = 0;
  private readonly cascade: Array<{ to: ActorId; event: SimEvent; from: ActorId }> = [];
  private readonly emitted: Array<{ from: ActorId; effect: Effect }> = [];
  private readonly renewalLoss: readonly Extract<Fault, { kind: 'loseRenewals' }>[];
  private readonly factListeners: Array<(fact: Fact, actor: ActorId) => void> = [];
  private readonly observer: WorldObserver | null;
  private readonly machines: Machines;
  private readonly inspect: ReturnType<typeof coverageInspector> | undefined;

  constructor(workload: Workload, options: WorldOptions) {
    this.workload = workload;
    this.machines = machinesFor(workload.mutant);
    this.chooser = options.chooser;
    this.level = options.trace ?? 'full';
    this.observer = options.observer ?? null;
    this.inspect = options.coverage ? coverageInspector(options.coverage) : undefined;
    this.renewalLoss = workload.faults.filter(
      (f): f is Extract<Fault, { kind: 'loseRenewals' }> => f.kind === 'loseRenewals',
    );
    this.build();
  }

  // -------------------------------------------------------------------------------------------------
  // Building

  private build(): void {
    const { workload } = this;
    const { machines } = this;
    const common = { switches: workload.switches, rules: machines.rules };
    for (const config of [...workload.entities, ...workload.topics.flatMap((t) => t.subscriptions)]) {
      const self = entityActorId(config.name);
      this.spawn(self, machines.entity, { self, config, ...common });
    }
    for (const topic of workload.topics) {
      const self = topicActorId(topic.name);
      const subscriptions = topic.subscriptions.map((s) => entityActorId(s.name));
      this.spawn(self, machines.topic, { name: topic.name, subscriptions });
    }
    const configs = new Map(
      [...workload.entities, ...workload.topics.flatMap((t) => t.subscriptions)].map((e) => [e.name, e]),
    );
    for (const spec of workload.consumers) {
      const self = consumerActorId(spec.id);
      const entity = spec.entity;
      const input = {
        self,
        spec,
        entityActor: entityActorId(entity),
        sessionful: configs.get(entity)?.requiresSession ?? true,
        sessionActorFor: (sessionId: string) => sessionActorId(entity, sessionId),
      };
      this.spawn(self, machines.consumer, input);
    }
    for (const m of workload.messages) {
      const to = workload.topics.some((t) => t.name === m.to) ? topicActorId(m.to) : entityActorId(m.to);
      const { to: _to, atMs, ...message } = m;
      this.timers.set(`world|send:${m.messageId}`, atMs, to, { type: 'req.send', from: '', reqId: 0, message });
    }
    for (const f of workload.faults) {
      if (f.kind === 'loseRenewals') continue;
      const event: SimEvent = f.kind === 'crash' ? { type: 'fault.crash' } : { type: 'fault.detach' };
      this.timers.set(`world|fault:${f.kind}:${f.consumer}:${f.atMs}`, f.atMs, consumerActorId(f.consumer), event);
    }
  }

  private spawn(id: ActorId, machine: AnyStateMachine, input: unknown): void {
    this.observer?.spawned(id, machine, input);
    const inspect = this.inspect;
    const ref: AnyActorRef = createActor(machine, inspect ? { id, input, inspect } : { id, input });
    this.addRec({ id, ref, sink: null, mailbox: [], broker: isBrokerId(id) });
    ref.on('*', (effect: Effect) => {
      this.emitted.push({ from: id, effect });
    });
    // An error observer keeps XState from rethrowing a model's exception later from a timer; the
    // world reads the error from the snapshot and throws it itself, where it happened.
    ref.subscribe({ error: ignoreError });
    ref.start();
    this.failIfErrored(ref, id, 'xstate.init');
    this.drain();
  }

  private spawnSession(entity: string, sessionId: string): void {
    const self = sessionActorId(entity, sessionId);
    if (this.actors.has(self)) return;
    const config = [...this.workload.entities, ...this.workload.topics.flatMap((t) => t.subscriptions)].find(
      (e) => e.name === entity,
    );
    if (!config) return;
    const lockActor = lockActorId(entity, sessionId);
    this.spawn(lockActor, this.machines.lock, { session: self });
    const input = {
      self,
      lockActor,
      entityActor: entityActorId(entity),
      sessionId,
      config,
      switches: this.workload.switches,
      rules: this.machines.rules,
    };
    this.spawn(self, this.machines.session, input);
  }

  /** An external client: replies to it are handed to `sink` when the scheduler delivers them. */
  attachClient(id: ActorId, sink: (event: SimEvent, world: World) => void): void {
    this.addRec({ id, ref: null, sink, mailbox: [], broker: false });
  }

  /** As `Map.set`: a new id goes last, a known id keeps its place (and loses what its mailbox held). */
  private addRec(fields: Omit<ActorRec, 'rank'>): void {
    const old = this.actors.get(fields.id);
    if (old && old.mailbox.length > 0) this.pending.splice(this.pendingIndex(old), 1);
    this.actors.set(fields.id, { ...fields, rank: old ? old.rank : this.actors.size });
  }

  /** Where `rec` is, or would go, in `pending`. */
  private pendingIndex(rec: ActorRec): number {
    const pending = this.pending;
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((pending[mid] as ActorRec).rank < rec.rank) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Queue a request from an external client; its delivery is a scheduling decision like any other. */
  inject(to: ActorId, event: ClientRequest): void {
    this.enqueue(to, event, event.from);
  }

  /**
   * A timer set from outside (the SDK facade's clock-driven work: receive waits, auto-renewal, scheduled
   * sends): `event` goes to `to` at `atMs`, and its firing is a scheduling decision like any timer's. The
   * part of `id` before its first `|` is the sender the trace names. Setting an id again replaces it.
   */
  setTimer(id: string, atMs: number, to: ActorId, event: SimEvent): void {
    this.timers.set(id, atMs, to, event);
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextTimerAtMs(): number | undefined {
    return this.timers.first()?.atMs;
  }

  /** Cancel a timer set with `setTimer` (nothing happens if it already fired). */
  cancelTimer(id: string): void {
    this.timers.cancel(id);
  }

  onFact(listener: (fact: Fact, actor: ActorId) => void): void {
    this.factListeners.push(listener);
  }

  // -------------------------------------------------------------------------------------------------
  // Running

  /** Run to quiescence or the step bound. */
  run(): RunResult {
    while (this.step()) {
      /* each step is one decision */
    }
    return this.result();
  }

  result(): RunResult {
    return {
      trace: this.trace,
      decisions: this.chooser.decisions,
      final: this.state(),
      steps: this.steps,
      hitBound: this.hitBound,
      endedAtMs: this.nowMs,
    };
  }

  /** Step until `done()` holds; false if the world went quiet or hit the bound first. */
  runUntil(done: () => boolean): boolean {
    while (!done()) if (!this.step()) return false;
    return true;
  }

  /** Let virtual time pass to `atMs`, running everything due on the way. */
  advanceTo(atMs: number): void {
    for (;;) {
      this.gatherOptions();
      const first = this.timers.first();
      const runnable = this.readyCount > 0 || (first !== undefined && first.atMs <= atMs);
      // Letting time pass runs the background expiry tick too: that is what it is for.
      if (!runnable || !this.stepOnce(true)) break;
    }
    if (atMs > this.nowMs) this.nowMs = atMs;
  }

  /**
   * One scheduling decision. Returns false when nothing is pending or the step bound is reached. The
   * background expiry tick (`expiryTrigger: 'gcTick'`) re-arms itself for ever: when nothing else is
   * pending the run is over, rather than ticking on into the step bound (DESIGN §7: a run that always
   * hits the bound checks less, and costs the search its time).
   */
  step(): boolean {
    return this.stepOnce(false);
  }

  private stepOnce(ticksAlone: boolean): boolean {
    const n = this.gatherOptions();
    if (n === 0 || (!ticksAlone && this.readyCount === 0 && this.onlyTicksLeft())) return false;
    if (this.steps >= this.workload.maxSteps) {
      this.hitBound = true;
      return false;
    }
    const picked = this.chooser.pick('schedule', 'deliver', n, this.optionLabel);
    const index = picked >= 0 && picked < n ? picked : 0;
    this.steps++;
    const mail = this.readyCount;
    if (index >= mail) {
      const timer = this.timers.at(index - mail) as Timer;
      this.timers.cancel(timer.id);
      if (timer.atMs > this.nowMs) this.nowMs = timer.atMs;
      this.deliver(timer.to, timer.event, timer.id.slice(0, timer.id.indexOf('|')), 'timer');
    } else {
      const rec = this.ready[index] as ActorRec;
      const envelope = rec.mailbox.shift();
      if (rec.mailbox.length === 0) this.pending.splice(this.pendingIndex(rec), 1);
      if (envelope) this.deliver(rec.id, envelope.event, envelope.from, 'mailbox');
    }
    this.runCascade();
    return true;
  }

  /** Every pending timer is the background expiry tick. */
  private onlyTicksLeft(): boolean {
    for (const t of this.timers.values()) if (t.event.type !== 'entity.gcTick') return false;
    return true;
  }

  /**
   * What may happen next: the head of every non-empty mailbox (in actor creation order), then the
   * earliest timers (all due at the same instant), unless the oldest message in flight must arrive first.
   * Fills `ready` and `dueTimers`; returns the number of options.
   */
  private gatherOptions(): number {
    const ready = this.ready;
    let count = 0;
    let horizon: number | null = null;
    const delay = this.workload.networkDelayMaxMs;
    for (const rec of this.pending) {
      const head = rec.mailbox[0] as Envelope;
      ready[count++] = rec;
      const deadline = head.sentAtMs + delay;
      if (horizon === null || deadline < horizon) horizon = deadline;
    }
    this.readyCount = count;
    const first = this.timers.first();
    // Timers fire in time order (simultaneous ones in any order), and the earliest may overtake the mail
    // only while no message in flight must already have arrived.
    this.dueTimers = first && (horizon === null || first.atMs <= horizon) ? this.timers.countDueBy(first.atMs) : 0;
    return count + this.dueTimers;
  }

  /** Option `i` of the current step, in words (what the Chooser records and a replay checks). */
  private readonly optionLabel = (i: number): string => {
    const mail = this.readyCount;
    if (i < mail) {
      const rec = this.ready[i] as ActorRec;
      const head = rec.mailbox[0];
      return `mail ${rec.id} <- ${head ? head.event.type : '?'}${head && head.from ? ` from ${head.from}` : ''}`;
    }
    const timer = i < mail + this.dueTimers ? this.timers.at(i - mail) : undefined;
    return timer ? `timer ${timer.id}@${timer.atMs}` : '';
  };

  private runCascade(): void {
    for (let next = this.cascade.shift(); next; next = this.cascade.shift()) {
      this.deliver(next.to, next.event, next.from, 'internal');
    }
  }

  private deliver(to: ActorId, event: SimEvent, from: ActorId, via: Via): void {
    const rec = this.actors.get(to);
    if (!rec) return;
    (event as { nowMs?: number }).nowMs = this.nowMs;
    // A client's request takes effect at the broker now: the history the conformance spec replays.
    if (rec.broker && via !== 'internal' && event.type.startsWith('req.')) {
      const req = event as ClientRequest;
      this.trace.push({ k: 'call', step: this.steps, t: this.nowMs, client: req.from, to, req });
    }
    if (rec.sink) {
      this.record(rec, event, from, via, '', '');
      rec.sink(event, this);
      return;
    }
    const ref = rec.ref;
    if (!ref) return;
    const before = this.level === 'full' ? stateName(ref) : '';
    this.observer?.delivered(to, event);
    ref.send(event);
    this.failIfErrored(ref, to, event.type);
    this.record(rec, event, from, via, before, this.level === 'full' ? stateName(ref) : '');
    this.drain();
  }

  private failIfErrored(ref: AnyActorRef, id: ActorId, eventType: string): void {
    const snapshot = ref.getSnapshot() as { status: string; error?: unknown };
    if (snapshot.status === 'error') throw new ActorFailure(id, eventType, this.steps, this.nowMs, snapshot.error);
  }

  private record(rec: ActorRec, event: SimEvent, from: ActorId, via: Via, before: string, after: string): void {
    if (this.level !== 'full') return;
    this.trace.push({
      k: 'deliver',
      step: this.steps,
      t: this.nowMs,
      actor: rec.id,
      ev: event.type,
      from: from === '' ? null : from,
      arg: summarize(event),
      via,
      before,
      after,
    });
  }

  /** Route what the machines emitted during the last delivery. */
  private drain(): void {
    for (let item = this.emitted.shift(); item; item = this.emitted.shift()) {
      const { from, effect } = item;
      switch (effect.type) {
        case 'fx.send':
          this.route(from, effect.to, effect.event);
          break;
        case 'fx.timer':
          this.timers.set(`${from}|${effect.key}`, effect.atMs, from, effect.event);
          break;
        case 'fx.cancel':
          this.timers.cancel(`${from}|${effect.key}`);
          break;
        case 'fx.choose': {
          const options = effect.options;
          effect.event.choice = this.chooser.pick('choice', effect.name, options.length, (i) => options[i] ?? '');
          const next = effect.then?.[effect.event.choice];
          if (next) effect.event.then = this.chooser.int(next.name, next.min, next.max);
          this.cascade.unshift({ to: from, event: effect.event, from });
          break;
        }
        case 'fx.chooseSend': {
          const options = effect.options;
          const i = this.chooser.pick('choice', effect.name, options.length, (k) => options[k] ?? '');
          const send = effect.sends[i];
          if (send) this.route(from, send.to, send.event);
          break;
        }
        case 'fx.chooseInt':
          effect.event.choice = this.chooser.int(effect.name, effect.min, effect.max);
          this.cascade.unshift({ to: from, event: effect.event, from });
          break;
        case 'fx.spawnSession':
          this.spawnSession(effect.entity, effect.sessionId);
          break;
        case 'fx.fact':
          this.trace.push({ k: 'fact', step: this.steps, t: this.nowMs, actor: from, fact: effect.fact });
          for (const l of this.factListeners) l(effect.fact, from);
          break;
      }
    }
  }

  private route(from: ActorId, to: ActorId, event: SimEvent): void {
    // Actor records know whether they are broker actors. A target may still be spawning (its session
    // is created in this very cascade), so an unknown id is judged by its name.
    const fromBroker = this.actors.get(from)?.broker === true;
    if (fromBroker && (this.actors.get(to)?.broker ?? isBrokerId(to))) {
      this.cascade.push({ to, event, from });
      return;
    }
    if (fromBroker && event.type === 'reply') {
      this.trace.push({ k: 'return', step: this.steps, t: this.nowMs, client: to, from, reply: event });
    }
    if (event.type === 'req.renew' && this.renewalLost(from)) {
      if (this.level === 'full') {
        this.trace.push({
          k: 'deliver',
          step: this.steps,
          t: this.nowMs,
          actor: 'network',
          ev: 'lost',
          from,
          arg: `${event.type} to ${to}`,
          via: 'internal',
          before: '',
          after: '',
        });
      }
      return;
    }
    this.enqueue(to, event, from);
  }

  private renewalLost(from: ActorId): boolean {
    return this.renewalLoss.some(
      (f) => consumerActorId(f.consumer) === from && this.nowMs >= f.fromMs && this.nowMs < f.untilMs,
    );
  }

  private enqueue(to: ActorId, event: SimEvent, from: ActorId): void {
    const rec = this.actors.get(to);
    // Clients only address actors the broker named to them; an unknown target receives nothing.
    if (!rec) return;
    if (rec.mailbox.push({ event, from, sentAtMs: this.nowMs }) === 1)
      this.pending.splice(this.pendingIndex(rec), 0, rec);
  }

  // -------------------------------------------------------------------------------------------------
  // Reading the world

  state(): WorldState {
    const entities: Record<string, EntityState> = {};
    const consumers: Record<string, WorldState['consumers'][string]> = {};
    const sessions = new Map<string, Record<string, SessionState>>();
    for (const rec of this.actors.values()) {
      if (!rec.ref || !rec.id.startsWith('session:')) continue;
      const ctx = rec.ref.getSnapshot().context as SessionContext;
      const lock = this.actors.get(ctx.lockActor)?.ref?.getSnapshot() as
        { value: string; context: SessionLockContext } | undefined;
      const map = sessions.get(ctx.scope.entity) ?? {};
      map[ctx.sessionId] = {
        messages: ctx.messages,
        holder: ctx.holder,
        state: ctx.state,
        lock: lock ? String(lock.value) : 'free',
      };
      sessions.set(ctx.scope.entity, map);
    }
    for (const rec of this.actors.values()) {
      if (!rec.ref) continue;
      if (rec.id.startsWith('entity:')) {
        const ctx = rec.ref.getSnapshot().context as EntityContext;
        entities[ctx.scope.entity] = {
          nextSeq: ctx.nextSeq,
          // A copy: the entity appends to its dead-letter queue in place.
          deadLetters: ctx.dlq.slice(),
          sessions: sessions.get(ctx.scope.entity) ?? {},
          messages: ctx.messages,
        };
      } else if (rec.id.startsWith('consumer:')) {
        const snap = rec.ref.getSnapshot();
        const ctx = snap.context as ConsumerContext;
        consumers[ctx.spec.id] = {
          state: topState(snap.value),
          session: ctx.sessionId,
          checkpoint: ctx.lastCheckpoint,
        };
      }
    }
    return { nowMs: this.nowMs, entities, consumers };
  }

  /** The live snapshot of a machine actor (undefined for external clients and unknown ids). */
  snapshotOf(id: ActorId): { value: unknown; context: unknown; status: string } | undefined {
    return this.actors.get(id)?.ref?.getSnapshot() as { value: unknown; context: unknown; status: string } | undefined;
  }

  /** Actor ids in creation order: stable across processes. */
  actorIds(): ActorId[] {
    return [...this.actors.keys()];
  }

  /** Events waiting in mailboxes (timers not counted). */
  mailCount(): number {
    let n = 0;
    for (const rec of this.actors.values()) n += rec.mailbox.length;
    return n;
  }
}

function ignoreError(): void {
  /* read from the snapshot by failIfErrored */
}

/** A statechart's top-level state: `holding` for `{ holding: { receiver: 'ready', renewal: 'off' } }`. */
function topState(value: unknown): string {
  return typeof value === 'string' ? value : (Object.keys(value as object)[0] ?? '');
}

function stateName(ref: AnyActorRef): string {
  const value: unknown = ref.getSnapshot().value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The event's salient fields, for the trace: `key=value` for each of a fixed list of keys that is set. */
export function summarize(event: SimEvent): string {
  // Written out, with no closures: this runs for every delivery of a full trace (and tsx wraps every
  // closure it creates in a `__name` call).
  const e = event as SimEvent & Record<string, unknown>;
  let out = '';
  out = field(out, 'reqId', e.reqId);
  out = field(out, 'sessionId', e.sessionId);
  out = field(out, 'seq', e.seq);
  out = field(out, 'token', e.token);
  out = field(out, 'action', e.action);
  out = field(out, 'max', e.max);
  out = field(out, 'cause', e.cause);
  out = field(out, 'choice', e.choice);
  if (event.type === 'reply') {
    const r = event as ReplyEvent;
    out = part(
      out,
      r.ok
        ? `ok ${r.result.kind}${r.result.kind === 'received' ? `[${r.result.messages.map(seqOf).join(',')}]` : ''}`
        : `error ${r.error.code}`,
    );
  }
  if (event.type === 'req.send' || event.type === 'session.enqueue') {
    const m = (e.message ?? {}) as { messageId?: string; seq?: number };
    out = part(out, `message=${m.messageId ?? ''}${m.seq !== undefined ? `#${m.seq}` : ''}`);
  }
  return out;
}

function part(out: string, more: string): string {
  return out === '' ? more : `${out} ${more}`;
}

function field(out: string, key: string, v: unknown): string {
  return v !== undefined && v !== null && v !== '' ? part(out, `${key}=${String(v)}`) : out;
}

const seqOf = (m: { readonly seq: number }): number => m.seq;
