/**
 * The workload arbitrary's swarm toggles (issue 8): each feature is on in a known share of the
 * generated workloads — common where it is on, and plain non-session queues kept to about a tenth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PLAIN_SUBSCRIPTION,
  SESSION_SUBSCRIPTION,
  TOPIC,
  workloadArb,
} from '../../../properties/arbitraries/workload.ts';
import type { Workload } from '../../../src/world/workload.ts';
import { normalizeWorkload, subscriptionPath } from '../../../src/world/workload.ts';

const N = 2_000;
const workloads: Workload[] = fc.sample(workloadArb(), { numRuns: N, seed: 42 }).map((w) => normalizeWorkload(w));
const share = (p: (w: Workload) => boolean): number => workloads.filter(p).length / N;

const isTopic = (w: Workload): boolean => w.topics.length > 0;
const isPlainQueue = (w: Workload): boolean => w.entities.some((e) => !e.requiresSession);
const mixed = (w: Workload): boolean => (w.topics[0]?.subscriptions.length ?? 0) === 2;

describe('workloadArb: swarm toggles', () => {
  it('plain non-session queues stay about a tenth; topics about a fifth, most of them mixed', () => {
    expect(share(isPlainQueue)).toBeGreaterThan(0.07);
    expect(share(isPlainQueue)).toBeLessThan(0.13);
    expect(share(isTopic)).toBeGreaterThan(0.16);
    expect(share(isTopic)).toBeLessThan(0.24);
    expect(share(mixed) / share(isTopic)).toBeGreaterThan(0.65);
  });

  it('a mixed topic has a session and a plain subscription, with consumers on both somewhere', () => {
    const w = workloads.find((x) => mixed(x) && new Set(x.consumers.map((c) => c.entity)).size === 2);
    expect(w?.topics[0]?.subscriptions.map((s) => [s.name, s.requiresSession])).toEqual([
      [subscriptionPath(TOPIC, SESSION_SUBSCRIPTION), true],
      [subscriptionPath(TOPIC, PLAIN_SUBSCRIPTION), false],
    ]);
    expect(w?.messages.every((m) => m.to === TOPIC)).toBe(true);
  });

  it('boundary times in about half, probes and deferred fetches in about a third, the background tick in a sixth', () => {
    expect(share((w) => w.consumers.every((c) => c.boundaryTimes === true))).toBeCloseTo(0.5, 1);
    expect(share((w) => w.consumers.every((c) => c.probes === true))).toBeCloseTo(1 / 3, 1);
    expect(
      share((w) => w.consumers.every((c) => c.fetchDeferred === true && c.outcomes.includes('defer'))),
    ).toBeCloseTo(1 / 3, 1);
    const gc = workloads.filter((w) => w.switches.expiryTrigger === 'gcTick');
    expect(gc.length / N).toBeCloseTo(1 / 6, 1);
    expect(gc.every((w) => w.switches.gcTickMs >= 1_000 && w.switches.gcTickMs <= 5_000)).toBe(true);
  });

  it('some session workloads send messages without a session id', () => {
    const sessionful = workloads.filter((w) => !isPlainQueue(w));
    const sessionless = sessionful.filter((w) => w.messages.some((m) => m.sessionId === undefined));
    expect(sessionless.length / sessionful.length).toBeGreaterThan(0.15);
    expect(sessionless.length / sessionful.length).toBeLessThan(0.3);
  });
});
