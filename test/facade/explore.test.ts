/**
 * explore(): the user's code under many schedules; sbsim's properties and the code's own assertions
 * judge each run; a failure shrinks and becomes a replay file that `sbsim replay` re-runs.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExploreFailure, explore } from '../../src/index.ts';
import type { SimulatedServiceBus } from '../../src/index.ts';
import { readReplayFile } from '../../src/replay/read.ts';
import { replay } from '../../src/replay/replay.ts';
import { rejection } from './helpers.ts';

/** Two senders race; the code wrongly assumes the first one issued always lands first. */
async function racingSenders(bus: SimulatedServiceBus): Promise<void> {
  bus.createQueue('q', { requiresSession: true });
  const client = bus.createClient();
  const a = client.createSender('q');
  const b = client.createSender('q');
  await Promise.all([a.sendMessages({ body: 'a', sessionId: 's' }), b.sendMessages({ body: 'b', sessionId: 's' })]);
  const receiver = await client.acceptSession('q', 's');
  const got = await receiver.receiveMessages(2);
  if (got.map((m) => m.body).join('') !== 'ab') throw new Error(`expected ab, got ${got.map((m) => m.body).join('')}`);
}

describe('facade: explore', () => {
  it('passes when every schedule passes', async () => {
    const report = await explore(
      async (bus) => {
        bus.createQueue('q', { requiresSession: true });
        const client = bus.createClient();
        await client.createSender('q').sendMessages({ body: 1, sessionId: 's' });
        const r = await client.acceptSession('q', 's');
        const [m] = await r.receiveMessages(1);
        await r.completeMessage(m!);
      },
      { runs: 10, seed: 1 },
    );
    expect(report).toEqual({ passed: true, runs: 10, seed: 1 });
  });

  it('finds the schedule that breaks an assumption, shrinks it and writes a replay file sbsim replay reproduces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbsim-explore-test-'));
    const file = join(dir, 'race.json');
    const e = await rejection(explore(racingSenders, { runs: 50, seed: 0, replayFile: file }));
    expect(e).toBeInstanceOf(ExploreFailure);
    const failure = (e as ExploreFailure).report.failure;
    expect(failure.property).toBe('user-code');
    expect(failure.message).toBe('expected ab, got ba');
    expect(failure.shrunk.deviations).toBeLessThanOrEqual(failure.original.deviations);
    expect(failure.replayFile).toBe(file);
    expect(existsSync(file)).toBe(true);
    const { file: read } = readReplayFile(file);
    expect(read.facade?.ops.length).toBeGreaterThan(0);
    const result = replay(read);
    expect(result.outcome).toBe('reproduced');
    expect(JSON.parse(readFileSync(file, 'utf8')).property.id).toBe('user-code');
  });

  it('the same seed finds the same failure: deterministic', async () => {
    const run = async () =>
      (await explore(racingSenders, { runs: 50, seed: 7, replayFile: false, throwOnFailure: false })).failure;
    const [a, b] = [await run(), await run()];
    expect(a?.run).toBe(b?.run);
    expect(a?.picks).toEqual(b?.picks);
  });

  it("a property violation of the model (a zoo mutant) is reported as sbsim's property", async () => {
    const report = await explore(
      async (bus) => {
        bus.createQueue('q', { requiresSession: true, lockDurationMs: 10_000 });
        const client = bus.createClient();
        await client.createSender('q').sendMessages([1, 2, 3].map((n) => ({ body: n, sessionId: 's' })));
        const r = await client.acceptSession('q', 's');
        const [first] = await r.receiveMessages(1);
        await r.abandonMessage(first!);
        for (const m of await r.receiveMessages(3)) await r.completeMessage(m);
      },
      { runs: 5, bus: { mutant: 'M03' }, replayFile: false, throwOnFailure: false },
    );
    expect(report.passed).toBe(false);
    expect(report.failure?.property).toBe('fifo-delivery');
  });
});
