/**
 * A trace as a story: one line per step, in virtual time — which actor got which event, what happened
 * in domain terms (the facts, with delivery counts), which states changed, and who holds each session
 * lock whenever that changes. Written for reading a failure, where the text renderer (text.ts) is
 * written for reading the machinery.
 *
 *   t=   10ms  #9  ✉ session:q/s1 req.settle reqId=3 seq=1 token=s1@1 action=abandon ← consumer:c1 — consumer:c1 abandoned s1#1; s1#1 active again after abandon, delivery count 1
 * ▶ t=   10ms  #11 ✉ session:q/s1 req.receive reqId=4 token=s1@1 max=1 ← consumer:c1 — s1#2 delivered to consumer:c1, delivery count 0
 *   t=  560ms  #39 ✉ session:q/s1 req.close reqId=15 token=s1@1 cause=close ← consumer:c1 (lock:q/s1 held → released, session:q/s1 locked → unlocked) — lock s1@1 on s1 released by close (consumer:c1) ⇒ s1 free
 *
 * Colour comes from chalk, at the level the caller asks for: none for NO_COLOR, pipes and files.
 */
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { Fact } from '../../models/events.ts';
import { describeFact } from './text.ts';
import type { DeliveryEvent, FactEvent, TraceEvent } from './types.ts';
import { visibleDeep } from './visible.ts';

export interface StoryOptions {
  readonly color: boolean;
  /** The step to mark `▶` as the violation's. */
  readonly markStep?: number | null;
  /** Name sessions with their entity (`q/s1`): for workloads with more than one entity. */
  readonly qualifySessions?: boolean;
}

interface Step {
  readonly step: number;
  readonly deliveries: DeliveryEvent[];
  readonly facts: FactEvent[];
}

function groupSteps(trace: readonly TraceEvent[]): Step[] {
  const steps: Step[] = [];
  for (const e of trace) {
    let last = steps[steps.length - 1];
    if (!last || last.step !== e.step) {
      last = { step: e.step, deliveries: [], facts: [] };
      steps.push(last);
    }
    if (e.k === 'deliver') last.deliveries.push(e);
    else if (e.k === 'fact') last.facts.push(e);
  }
  return steps;
}

/**
 * Who holds each session lock, by token. Two holders at once is exactly what an exclusive-lock
 * violation looks like, so the tracker keeps every live token rather than the last one.
 */
class Holders {
  private readonly held = new Map<string, Map<string, string>>();

  /** Apply a fact; the session whose holders changed, if any. */
  apply(f: Fact, key: (entity: string, session: string) => string): string | null {
    switch (f.kind) {
      case 'accepted':
        return this.set(key(f.entity, f.session), f.token, f.consumer);
      case 'lockReleased':
        return this.drop(key(f.entity, f.session), f.token);
      case 'lockExpired':
        return f.session === null ? null : this.drop(key(f.entity, f.session), f.token);
      default:
        return null;
    }
  }

  describe(session: string): string {
    const holders = [...(this.held.get(session)?.values() ?? [])];
    return holders.length === 0 ? `${session} free` : `${session} held by ${holders.join(' and ')}`;
  }

  private set(session: string, token: string, consumer: string): string {
    const tokens = this.held.get(session) ?? new Map<string, string>();
    tokens.set(token, consumer);
    this.held.set(session, tokens);
    return session;
  }

  private drop(session: string, token: string): string | null {
    return this.held.get(session)?.delete(token) ? session : null;
  }
}

export function renderStory(input: readonly TraceEvent[], options: StoryOptions): string[] {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const trace = visibleDeep(input);
  const steps = groupSteps(trace);
  const tWidth = Math.max(1, ...trace.map((e) => String(e.t).length));
  const stepWidth = Math.max(1, ...steps.map((s) => String(s.step).length));
  const key = options.qualifySessions
    ? (entity: string, session: string) => `${entity}/${session}`
    : (_entity: string, session: string) => session;
  const holders = new Holders();
  return steps.map((s) => {
    const marked = options.markStep !== undefined && options.markStep !== null && s.step === options.markStep;
    const t = s.deliveries[0]?.t ?? s.facts[0]?.t ?? 0;
    const head = `${marked ? c.red.bold('▶') : ' '} ${c.dim(`t=${String(t).padStart(tWidth)}ms`)}  ${c.dim(`#${String(s.step).padEnd(stepWidth)}`)}`;
    const changedSessions = new Set<string>();
    for (const f of s.facts) {
      const changed = holders.apply(f.fact, key);
      if (changed) changedSessions.add(changed);
    }
    const parts = [head, describeDeliveries(s.deliveries, c)];
    if (s.facts.length > 0) parts.push(`— ${s.facts.map((f) => describeFact(f.fact, c)).join('; ')}`);
    if (changedSessions.size > 0)
      parts.push(c.yellow(`⇒ ${[...changedSessions].map((k) => holders.describe(k)).join(', ')}`));
    const line = parts.filter((p) => p !== '').join(' ');
    return marked ? c.bold(line) : line;
  });
}

/** The step's delivery (what the scheduler chose), its state change, and the hand-offs inside the broker that changed state. */
function describeDeliveries(deliveries: readonly DeliveryEvent[], c: ChalkInstance): string {
  const main = deliveries.find((d) => d.via !== 'internal') ?? deliveries[0];
  if (!main) return '';
  const via = main.via === 'timer' ? c.magenta('⏰') : main.via === 'internal' ? '↳' : '✉';
  const from = main.via === 'mailbox' && main.from !== null ? ` ← ${main.from}` : '';
  const change = main.before === main.after ? '' : ` [${main.before} → ${c.bold(main.after)}]`;
  const inner = deliveries
    .filter((d) => d !== main && d.before !== d.after)
    .map((d) => `${d.actor} ${d.before} → ${d.after}`);
  const innerText = inner.length > 0 ? ` ${c.dim(`(${inner.join(', ')})`)}` : '';
  return `${via} ${c.cyan(main.actor)} ${main.ev}${main.arg ? ` ${main.arg}` : ''}${from}${change}${innerText}`;
}
