/**
 * `SimulatedServiceBus`: a Service Bus namespace of its own, with its virtual clock and its scheduler. Create
 * the queues, topics and subscriptions, then clients shaped like @azure/service-bus's `ServiceBusClient`;
 * everything they do runs on the simulated broker (the same machines, Chooser, trace and properties as
 * `sbsim check`), in virtual time.
 *
 * ```ts
 * const bus = new SimulatedServiceBus({ seed: 1 });
 * bus.createQueue('orders', { requiresSession: true, lockDurationMs: 30_000 });
 * const client = bus.createClient();
 * await client.createSender('orders').sendMessages({ body: 'hi', sessionId: 'o1' });
 * const receiver = await client.acceptSession('orders', 'o1');
 * ```
 */
import type { EntityConfig, Switches } from '../../models/config.ts';
import type { ActorId } from '../../models/events.ts';
import type { Decision } from '../sim/chooser.ts';
import { Chooser } from '../sim/chooser.ts';
import type { TraceEvent } from '../trace/types.ts';
import type { WorldState } from '../world/world.ts';
import { World, entityActorId, topicActorId } from '../world/world.ts';
import type { Workload } from '../world/workload.ts';
import { normalizeWorkload, subscriptionPath } from '../world/workload.ts';
import { SimulatedServiceBusClient } from './client.ts';
import type { BusContext } from './context.ts';
import type { Delivery } from './delivery.ts';
import type { FaultOptions } from './faults.ts';
import { MessageStore, lockTokenOf } from './messages.ts';
import type { FacadeScript } from './script.ts';
import { Runtime } from './runtime.ts';

export interface EntityOptions {
  /** Set at creation only. Default false, as the service's. */
  readonly requiresSession?: boolean;
  /** Session (and message) lock duration; default 60 s, at most 5 min. */
  readonly lockDurationMs?: number;
  /** Default 10. */
  readonly maxDeliveryCount?: number;
  /** Default time to live and ceiling for a message's own; default none. */
  readonly defaultMessageTimeToLiveMs?: number | null;
  /** Expired messages go to the dead-letter queue instead of being dropped. Default false. */
  readonly deadLetteringOnMessageExpiration?: boolean;
  readonly tier?: 'standard' | 'premium';
}

export interface SimulatedServiceBusOptions {
  /** Seed of the Chooser: which order concurrent operations take effect in, which session accept-next grants… */
  readonly seed?: number;
  /** A decision list instead of a seed (value i picks option `value mod n`; past the end, option 0). */
  readonly picks?: readonly number[];
  /** The semantic switches of the model (servicebus-semantics §13); the documented defaults otherwise. */
  readonly switches?: Partial<Switches>;
  /** Run against a mutant of the zoo (`M03`) instead of the correct model. */
  readonly mutant?: string;
  /** Scheduling decisions before the run is cut off (default 200 000). */
  readonly maxSteps?: number;
  /** The namespace name that entity paths and errors show. */
  readonly fullyQualifiedNamespace?: string;
  /**
   * Faults the Chooser may inject (a session receiver's link detaching, an auto-renewal lost): each point
   * where one could strike is a decision, default `no`. Off by default. See `FaultOptions`.
   */
  readonly faults?: FaultOptions;
  /** @internal A ready Chooser (explore's shrinking uses this). */
  readonly chooser?: Chooser;
}

interface TopicDecl {
  readonly name: string;
  readonly subscriptions: (Partial<EntityConfig> & { name: string })[];
}

export const DEFAULT_NAMESPACE = 'sbsim.servicebus.windows.net';
export const BUS_ACTOR: ActorId = 'client:bus';

export class SimulatedServiceBus implements BusContext {
  readonly fullyQualifiedNamespace: string;
  /** @internal */ readonly store = new MessageStore();
  /** @internal Deliveries by lock token. */ readonly deliveries = new Map<string, Delivery>();
  /** @internal Dead-letter queue entries received and settled (`entity#seq`), and those locked. */
  readonly dlqTaken = new Set<string>();
  readonly dlqLocked = new Set<string>();
  /** @internal The SDK's peek cursor: per client and entity (its management link). */
  readonly peekCursors = new Map<string, number>();
  /** @internal The faults enabled (none by default). */
  readonly faults: FaultOptions;

  private readonly options: SimulatedServiceBusOptions;
  private readonly queues: (Partial<EntityConfig> & { name: string })[] = [];
  private readonly topics: TopicDecl[] = [];
  private runtimeRef: Runtime | null = null;
  private clients = 0;
  private actors = 0;
  private tokens = 0;
  private scheduledCount = 0;

  constructor(options: SimulatedServiceBusOptions = {}) {
    this.options = options;
    this.fullyQualifiedNamespace = options.fullyQualifiedNamespace ?? DEFAULT_NAMESPACE;
    this.faults = { ...options.faults };
  }

  createQueue(name: string, options: EntityOptions = {}): void {
    this.declare(name);
    this.queues.push({ name, kind: 'queue', ...entityConfig(options) });
  }

  createTopic(name: string): void {
    this.declare(name);
    this.topics.push({ name, subscriptions: [] });
  }

  createSubscription(topic: string, name: string, options: EntityOptions = {}): void {
    const t = this.topics.find((x) => x.name === topic);
    if (!t) throw new Error(`sbsim: there is no topic "${topic}" (create it with createTopic first)`);
    this.declare(subscriptionPath(topic, name));
    t.subscriptions.push({ name, kind: 'subscription', ...entityConfig(options) });
  }

  /** Virtual time, ms since the run started. Every Date the facade returns is on this scale. */
  now(): number {
    return this.runtimeRef?.nowMs ?? 0;
  }

  /** Let `ms` of virtual time pass: due timers fire; resolves when everything due by then has run. */
  advanceTime(ms: number): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new TypeError(`advanceTime needs a number of ms, 0 or more, not ${ms}`));
    const runtime = this.runtime;
    const target = runtime.nowMs + ms;
    runtime.timer(BUS_ACTOR, target, false, () => undefined);
    return runtime.until(() => runtime.quietBy(target));
  }

  /**
   * Wait `ms` of virtual time (a handler's simulated work, a test's pause). Given a range `[minMs, maxMs]`,
   * the Chooser picks how long: an explored duration, so that `explore` tries fast and slow handlers.
   */
  sleep(ms: number | readonly [number, number]): Promise<void> {
    const runtime = this.runtime;
    const wait = typeof ms === 'number' ? ms : runtime.chooseDuration('sleep', Math.max(0, ms[0]), Math.max(0, ms[1]));
    return new Promise((resolve) => runtime.timer(BUS_ACTOR, runtime.nowMs + Math.max(0, wait), true, resolve));
  }

  /**
   * Let virtual time pass until `condition()` holds (checked whenever the user's code has run), at most
   * `timeoutMs` (default 60 s). Resolves true when it held, false on the timeout.
   */
  async waitUntil(condition: () => boolean, options: { timeoutMs?: number } = {}): Promise<boolean> {
    const runtime = this.runtime;
    let timedOut = false;
    const cancel = runtime.timer(BUS_ACTOR, runtime.nowMs + (options.timeoutMs ?? 60_000), false, () => {
      timedOut = true;
    });
    await runtime.until(() => timedOut || condition());
    cancel();
    return !timedOut || condition();
  }

  /** A client shaped like `ServiceBusClient`. Create the entities first: the namespace is fixed from here on. */
  createClient(options: { identifier?: string } = {}): SimulatedServiceBusClient {
    void this.runtime; // builds the world: the namespace is fixed from here on
    return new SimulatedServiceBusClient(this, options.identifier ?? `client-${++this.clients}`);
  }

  /** The run's trace so far (what `sbsim replay` renders). */
  trace(): readonly TraceEvent[] {
    return this.runtimeRef?.world.trace ?? [];
  }

  /** The Chooser's decisions so far. */
  decisions(): readonly Decision[] {
    return this.runtimeRef?.world.chooser.decisions ?? [];
  }

  /** The broker's state now: sessions, their messages, holders and state, dead-letter queues. */
  state(): WorldState {
    return this.runtime.world.state();
  }

  /** The normalized workload the world was built from (entities and switches). */
  workload(): Workload {
    return this.runtime.world.workload;
  }

  /** @internal The facade's inputs to the world so far (for a replay file). */
  script(): FacadeScript {
    return this.runtime.script();
  }

  // -------------------------------------------------------------------------------------------------
  // Internal: what clients, senders and receivers share.

  /** @internal The runtime, built on first use from the entities declared so far. */
  get runtime(): Runtime {
    if (this.runtimeRef) return this.runtimeRef;
    const workload = normalizeWorkload({
      name: 'facade',
      entities: this.queues,
      topics: this.topics,
      messages: [],
      consumers: [],
      ...(this.options.switches ? { switches: this.options.switches } : {}),
      ...(this.options.mutant ? { mutant: this.options.mutant } : {}),
      maxSteps: this.options.maxSteps ?? 200_000,
    });
    const chooser =
      this.options.chooser ??
      (this.options.picks ? Chooser.fromList(this.options.picks) : Chooser.seeded(this.options.seed ?? 0));
    const runtime = new Runtime(new World(workload, { chooser }));
    this.runtimeRef = runtime;
    runtime.attach(BUS_ACTOR);
    return runtime;
  }

  /** @internal A new external client actor (one per sender and receiver), attached to the world. */
  newActor(kind: string): ActorId {
    const id = `client:${kind}${++this.actors}`;
    this.runtime.attach(id);
    return id;
  }

  /** @internal */
  nextScheduled(): number {
    return ++this.scheduledCount;
  }

  /** @internal */
  nextLockToken(): string {
    return lockTokenOf(++this.tokens);
  }

  /** @internal The receivable entity at `path` (a queue, or `topic/Subscriptions/sub`). */
  entity(path: string): EntityConfig | undefined {
    const w = this.runtime.world.workload;
    return [...w.entities, ...w.topics.flatMap((t) => t.subscriptions)].find((e) => e.name === path);
  }

  /** @internal The actor a sender to `name` addresses: the queue, or the topic. */
  sendTarget(name: string): ActorId | undefined {
    const w = this.runtime.world.workload;
    if (w.topics.some((t) => t.name === name)) return topicActorId(name);
    if (w.entities.some((e) => e.name === name)) return entityActorId(name);
    return undefined;
  }

  private declare(name: string): void {
    if (this.runtimeRef)
      throw new Error(
        `sbsim: create "${name}" before the first createClient(): the simulated namespace is fixed once clients exist`,
      );
    const known = [
      ...this.queues.map((q) => q.name),
      ...this.topics.flatMap((t) => [t.name, ...t.subscriptions.map((s) => subscriptionPath(t.name, s.name))]),
    ];
    if (known.includes(name)) throw new Error(`sbsim: the entity "${name}" already exists`);
  }
}

function entityConfig(o: EntityOptions): Partial<EntityConfig> {
  return {
    requiresSession: o.requiresSession ?? false,
    ...(o.lockDurationMs !== undefined ? { lockDurationMs: o.lockDurationMs } : {}),
    ...(o.maxDeliveryCount !== undefined ? { maxDeliveryCount: o.maxDeliveryCount } : {}),
    ...(o.defaultMessageTimeToLiveMs !== undefined ? { defaultMessageTimeToLiveMs: o.defaultMessageTimeToLiveMs } : {}),
    ...(o.deadLetteringOnMessageExpiration !== undefined
      ? { deadLetteringOnMessageExpiration: o.deadLetteringOnMessageExpiration }
      : {}),
    ...(o.tier !== undefined ? { tier: o.tier } : {}),
  };
}
