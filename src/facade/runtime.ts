/**
 * The bridge between the user's async code and the world: several facade calls may be in flight at once
 * (promises), while the world runs one scheduling decision at a time.
 *
 * How a turn goes. The runtime waits for a macrotask, so that every continuation of the user's code that
 * became runnable has run to its next `await`. Everything the user (or the facade on its behalf) issued
 * in the meantime is then injected into the world, in an order the Chooser picks (`issue` decisions):
 * concurrent operations take effect at the broker in an explored order. Then the world takes one step
 * (one more decision, through the same Chooser), and the replies and client timers it delivered settle
 * their promises. Nothing reads the wall clock: when every pending operation waits on a timer, the step
 * fires the earliest one and the virtual clock jumps to it.
 *
 * The world only runs while something *foreground* waits on it: a promise of a user call, a sleep, an
 * `advanceTime` or a `waitUntil`. Background work (auto lock renewal, a subscription's receive loop, a
 * scheduled send) goes on only while time is moving for some foreground wait, as it would if the test
 * slept on a real clock; otherwise a subscription left open would spin the clock on for ever.
 *
 * Every external input to the world (client attach, request, client timer, Chooser pick made here) is
 * recorded with the step count at which it happened: that script, with the decisions, replays the
 * broker's side of the run without the user's code (src/replay/replay.ts, `facade` in the file).
 */
import type { ActorId, BrokerError, ClientRequest, ReplyEvent, ReplyResult, SimEvent } from '../../models/events.ts';
import type { World } from '../world/world.ts';
import type { FacadeScript, ScriptOp } from './script.ts';
import { FACADE_TIMER } from './script.ts';

export type Outcome<K extends ReplyResult['kind']> =
  | { readonly ok: true; readonly result: Extract<ReplyResult, { kind: K }> }
  | { readonly ok: false; readonly error: BrokerError };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<ClientRequest, 'from' | 'reqId'>;

interface Intent {
  readonly event: ClientRequest;
  readonly to: ActorId;
  readonly label: string;
}

interface Awaiting {
  readonly fg: boolean;
  readonly settle: (reply: ReplyEvent) => void;
  readonly fail: (error: Error) => void;
}

interface TimerRec {
  readonly fg: boolean;
  readonly fire: () => void;
}

interface Check {
  /** True once settled: the check is then dropped. */
  readonly poll: () => boolean;
  readonly fail: (error: Error) => void;
}

/** A request in flight: its reply, and a way to stop waiting for it. */
export interface Pending<K extends ReplyResult['kind']> {
  readonly promise: Promise<Outcome<K>>;
  /** Stop waiting: a later reply is ignored. */
  forget(): void;
}

/** A harness problem (step bound, a request the broker never answered): not the user's bug. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Runtime {
  readonly ops: ScriptOp[] = [];
  private reqId = 0;
  private timerId = 0;
  private intents: Intent[] = [];
  private readonly awaiting = new Map<string, Awaiting>();
  private readonly timers = new Map<string, TimerRec>();
  private checks: Check[] = [];
  /** Work delivered by the last step, run after it (never inside the world's step). */
  private inbox: Array<() => void> = [];
  private foreground = 0;
  private running = false;
  private stopped = false;
  /** Set when the world failed (a model threw, the step bound): every later call fails with it. */
  private failure: Error | null = null;

  constructor(readonly world: World) {}

  get nowMs(): number {
    return this.world.nowMs;
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** An external client actor: replies and client timers for it come back through the runtime. */
  attach(client: ActorId): void {
    this.world.attachClient(client, (event) => this.receive(client, event));
    this.ops.push({ step: this.world.steps, op: 'attach', client });
  }

  /** Send a request from `client` to broker actor `to`; `fg`: the user's code waits on it. */
  request<K extends ReplyResult['kind']>(client: ActorId, to: ActorId, body: RequestBody, fg = true): Pending<K> {
    const reqId = ++this.reqId;
    const key = `${client}#${reqId}`;
    const event = { ...body, from: client, reqId } as ClientRequest;
    const promise = new Promise<Outcome<K>>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.awaiting.set(key, {
        fg,
        settle: (reply) =>
          resolve(reply.ok ? { ok: true, result: reply.result as Extract<ReplyResult, { kind: K }> } : reply),
        fail: reject,
      });
      if (fg) this.foreground++;
      this.intents.push({ event, to, label: `${client} -> ${to}: ${event.type}` });
      this.kick();
    });
    return { promise, forget: () => this.forget(key) };
  }

  /** A request whose reply nobody reads (a scheduled send's timer, a drop): injected like any other. */
  fire(client: ActorId, to: ActorId, body: RequestBody): void {
    const event = { ...body, from: client, reqId: ++this.reqId } as ClientRequest;
    this.intents.push({ event, to, label: `${client} -> ${to}: ${event.type}` });
    this.kick();
  }

  /**
   * A request with no reply (a link that drops: `req.close` with cause `detach`), in the foreground:
   * resolves once the broker has taken it in and nothing is left in the world's mailboxes, so what the
   * user's code does next finds the broker already past it.
   */
  drop(client: ActorId, to: ActorId, body: RequestBody): Promise<void> {
    const event = { ...body, from: client, reqId: ++this.reqId } as ClientRequest;
    this.intents.push({ event, to, label: `${client} -> ${to}: ${event.type}` });
    return this.until(() => !this.intents.some((i) => i.event === event) && this.world.mailCount() === 0);
  }

  /**
   * A timer on the virtual clock, owned by an attached client: `fire` runs when the world delivers it.
   * Returns the cancel function.
   */
  timer(owner: ActorId, atMs: number, fg: boolean, fire: () => void): () => void {
    const id = `${owner}|t${++this.timerId}`;
    const event = { type: FACADE_TIMER, key: id } as unknown as SimEvent;
    this.setWorldTimer(id, Math.max(atMs, this.world.nowMs), owner, event);
    this.timers.set(id, { fg, fire });
    if (fg) {
      this.foreground++;
      this.kick();
    }
    return () => {
      const rec = this.timers.get(id);
      if (!rec) return;
      this.timers.delete(id);
      this.cancelWorldTimer(id);
      if (rec.fg) this.foreground--;
    };
  }

  /** A world timer that delivers `event` to `to` (a scheduled send goes straight to its entity). */
  setWorldTimer(id: string, atMs: number, to: ActorId, event: SimEvent): void {
    this.world.setTimer(id, atMs, to, event);
    this.ops.push({ step: this.world.steps, op: 'timer', id, atMs, to, event: structuredClone(event) });
  }

  cancelWorldTimer(id: string): void {
    this.world.cancelTimer(id);
    this.ops.push({ step: this.world.steps, op: 'cancel', id });
  }

  /** Foreground: resolve once `poll` says so (polled after the user's code has run, every turn). */
  until(poll: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.foreground++;
      const check: Check = {
        poll: () => {
          const done = poll();
          if (done) {
            this.foreground--;
            resolve();
          }
          return done;
        },
        fail: (e) => {
          this.foreground--;
          reject(e);
        },
      };
      this.checks.push(check);
      this.kick();
    });
  }

  /** Nothing in flight to the broker and nothing due by `atMs`: what `advanceTime` waits for. */
  quietBy(atMs: number): boolean {
    const next = this.world.nextTimerAtMs();
    return (
      this.world.nowMs >= atMs &&
      this.intents.length === 0 &&
      this.inbox.length === 0 &&
      this.world.mailCount() === 0 &&
      (next === undefined || next > atMs)
    );
  }

  /** The run is over (explore): the world takes no more steps; promises still pending stay pending. */
  stop(): void {
    this.stopped = true;
  }

  /** The script so far, for a replay file. */
  script(): FacadeScript {
    return { ops: [...this.ops], endStep: this.world.steps };
  }

  // -------------------------------------------------------------------------------------------------

  private forget(key: string): void {
    const rec = this.awaiting.get(key);
    if (!rec) return;
    this.awaiting.delete(key);
    if (rec.fg) this.foreground--;
  }

  private receive(client: ActorId, event: SimEvent): void {
    if (event.type === 'reply') {
      const reply = event as ReplyEvent;
      const key = `${client}#${reply.reqId}`;
      const rec = this.awaiting.get(key);
      if (!rec) return;
      this.awaiting.delete(key);
      this.inbox.push(() => {
        if (rec.fg) this.foreground--;
        rec.settle(reply);
      });
      return;
    }
    if ((event.type as string) === FACADE_TIMER) {
      const id = (event as unknown as { key: string }).key;
      const rec = this.timers.get(id);
      if (!rec) return;
      this.timers.delete(id);
      this.inbox.push(() => {
        if (rec.fg) this.foreground--;
        rec.fire();
      });
    }
  }

  private kick(): void {
    if (this.running || this.failure || this.stopped) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        await macrotask();
        if (this.stopped) break;
        this.checks = this.checks.filter((c) => !c.poll());
        this.issue();
        if (this.foreground <= 0) break;
        const stepped = this.world.step();
        this.drainInbox();
        if (!stepped) this.stall();
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.running = false;
    }
  }

  /**
   * Inject what was issued since the last turn. Each client's requests keep their order (one AMQP link
   * is FIFO); which client's next request reaches the broker first is the Chooser's pick.
   */
  private issue(): void {
    while (this.intents.length > 0) {
      let index = 0;
      const heads: number[] = [];
      const seen = new Set<ActorId>();
      this.intents.forEach((intent, i) => {
        if (seen.has(intent.event.from)) return;
        seen.add(intent.event.from);
        heads.push(i);
      });
      if (heads.length > 1) {
        const labels = heads.map((i) => this.intents[i]?.label ?? '');
        this.ops.push({ step: this.world.steps, op: 'choose', name: 'issue', labels });
        index = heads[this.world.chooser.pick('schedule', 'issue', labels.length, (i) => labels[i] ?? '')] ?? 0;
      }
      const [intent] = this.intents.splice(index, 1);
      if (!intent) continue;
      this.world.inject(intent.to, intent.event);
      this.ops.push({ step: this.world.steps, op: 'inject', to: intent.to, event: structuredClone(intent.event) });
    }
  }

  /**
   * A fault decision (faults.ts): two options, `no` (the default, what shrinking falls back to) and
   * `strike`; true when the fault strikes. Recorded as a `choose` op so a replay makes the same pick.
   */
  chooseFault(name: string, strike: string): boolean {
    const labels = ['no', strike];
    this.ops.push({ step: this.world.steps, op: 'choose', name, labels });
    return this.world.chooser.pick('schedule', name, 2, (i) => labels[i] ?? '') === 1;
  }

  /** A duration the Chooser picks in [minMs, maxMs] (a handler's simulated work). */
  chooseDuration(name: string, minMs: number, maxMs: number): number {
    if (maxMs <= minMs) return minMs;
    this.ops.push({ step: this.world.steps, op: 'chooseInt', name, min: minMs, max: maxMs });
    return this.world.chooser.int(name, minMs, maxMs);
  }

  private drainInbox(): void {
    const work = this.inbox;
    this.inbox = [];
    for (const w of work) w();
  }

  /** The world has nothing left to do, yet something foreground waits: it never will be answered. */
  private stall(): void {
    const why = this.world.hitBound
      ? `the run reached its step bound (maxSteps ${this.world.workload.maxSteps})`
      : 'the simulated broker went quiet without answering';
    this.fail(new SimulationError(`sbsim: ${why}`), !this.world.hitBound);
  }

  private fail(error: Error, onlyForeground = false): void {
    if (!onlyForeground) this.failure = error;
    for (const [key, rec] of [...this.awaiting]) {
      if (onlyForeground && !rec.fg) continue;
      this.awaiting.delete(key);
      if (rec.fg) this.foreground--;
      rec.fail(error);
    }
    for (const c of this.checks) c.fail(error);
    this.checks = [];
    for (const [id, rec] of [...this.timers]) {
      if (!rec.fg) continue;
      this.timers.delete(id);
      this.foreground--;
      rec.fire();
    }
  }
}
