/**
 * Faults the user enables, as Chooser decisions: `explore(fn, { faults })` lets a session receiver's link
 * detach before any of its operations, and an auto lock renewal be lost. Off by default (no decision is
 * made); on, each fault point is a two-option decision (`no` by default), so a failing run's decision list
 * and replay file carry the fault, and shrinking keeps only the one the failure needs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedServiceBus, explore, isServiceBusError } from '../../src/index.ts';
import { readReplayFile } from '../../src/replay/read.ts';
import { replay } from '../../src/replay/replay.ts';
import { rejection, sessionQueue } from './helpers.ts';

/** Receive one message and complete it, assuming the session receiver never loses its link. */
async function receiveAndComplete(bus: SimulatedServiceBus): Promise<void> {
  bus.createQueue('q', { requiresSession: true, lockDurationMs: 30_000 });
  const client = bus.createClient();
  await client.createSender('q').sendMessages({ body: 'order', sessionId: 's' });
  const receiver = await client.acceptSession('q', 's');
  const [m] = await receiver.receiveMessages(1);
  await receiver.completeMessage(m!);
  const left = await receiver.peekMessages(10);
  if (left.length !== 0) throw new Error(`expected the queue to be empty, ${left.length} left`);
}

/** Accept, then hold the session for 2 minutes of work, trusting auto-renewal to keep the 10 s lock. */
async function longHandler(bus: SimulatedServiceBus): Promise<void> {
  bus.createQueue('q', { requiresSession: true, lockDurationMs: 10_000 });
  const client = bus.createClient();
  await client.createSender('q').sendMessages({ body: 'slow', sessionId: 's' });
  const receiver = await client.acceptSession('q', 's');
  const [m] = await receiver.receiveMessages(1);
  await bus.sleep(120_000);
  await receiver.completeMessage(m!);
}

/** The same work as receiveAndComplete, but retried on a lost link: holds with detach faults on. */
async function resilient(bus: SimulatedServiceBus): Promise<void> {
  bus.createQueue('q', { requiresSession: true, lockDurationMs: 30_000 });
  const client = bus.createClient();
  await client.createSender('q').sendMessages({ body: 'order', sessionId: 's' });
  for (let attempt = 0; ; attempt++) {
    const receiver = await client.acceptSession('q', 's');
    try {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
      if (m) await receiver.completeMessage(m);
      await receiver.close();
      return;
    } catch (e) {
      if (!(isServiceBusError(e) && e.code === 'SessionLockLost') || attempt >= 50) throw e;
      await receiver.close();
    }
  }
}

describe('facade: faults as Chooser decisions', () => {
  it('off by default: no fault decision is made, and the assumption holds on every schedule', async () => {
    const report = await explore(receiveAndComplete, { runs: 20, seed: 3 });
    expect(report.passed).toBe(true);
    const bus = new SimulatedServiceBus({ seed: 3 });
    await receiveAndComplete(bus);
    expect(bus.decisions().some((d) => d.name.startsWith('fault:'))).toBe(false);
  });

  it('detach: finds the run where the link drops, shrinks it to that one fault, and the replay file reproduces it', async () => {
    const replayFile = join(mkdtempSync(join(tmpdir(), 'sbsim-faults-')), 'detach.json');
    const report = await explore(receiveAndComplete, {
      runs: 20,
      seed: 3,
      faults: { detach: true },
      replayFile,
      throwOnFailure: false,
    });
    expect(report.passed).toBe(false);
    const failure = report.failure!;
    expect(failure.property).toBe('user-code');
    expect((failure.error as { code?: string }).code).toBe('SessionLockLost');
    // Shrunk to exactly one fault: the one decision off its default.
    expect(failure.shrunk.deviations).toBe(1);
    const { file } = readReplayFile(replayFile);
    const struck = file.decisions.filter((d) => d.pick !== 0);
    expect(struck).toHaveLength(1);
    expect(struck[0]?.name).toMatch(/^fault:detach:session-receiver\d+$/);
    expect(struck[0]?.label).toBe('detach');
    // The broker heard the link drop: a close with cause detach, and `sbsim replay` reproduces the run.
    expect(
      file.facade?.ops.some((op) => op.op === 'inject' && op.event.type === 'req.close' && op.event.cause === 'detach'),
    ).toBe(true);
    expect(replay(file).outcome).toBe('reproduced');
  });

  it('the same seed finds the same fault: deterministic', async () => {
    const run = async () =>
      (
        await explore(receiveAndComplete, {
          runs: 20,
          seed: 3,
          faults: { detach: true },
          replayFile: false,
          throwOnFailure: false,
        })
      ).failure;
    const [a, b] = [await run(), await run()];
    expect(a?.run).toBe(b?.run);
    expect(a?.picks).toEqual(b?.picks);
  });

  it('detach: code that re-accepts the session on SessionLockLost holds under the same faults', async () => {
    const report = await explore(resilient, { runs: 20, seed: 3, faults: { detach: true } });
    expect(report.passed).toBe(true);
  });

  it('loseRenewals: a handler that outlives its lock holds with renewals, fails when one is lost', async () => {
    expect((await explore(longHandler, { runs: 10, seed: 1 })).passed).toBe(true);
    const report = await explore(longHandler, {
      runs: 10,
      seed: 1,
      faults: { loseRenewals: true },
      replayFile: false,
      throwOnFailure: false,
    });
    expect(report.passed).toBe(false);
    expect((report.failure?.error as { code?: string }).code).toBe('SessionLockLost');
    expect(report.failure?.shrunk.deviations).toBe(1);
  });

  it('a decision list places a fault exactly: picks [1] detaches before the first operation', async () => {
    const { bus, client, sender } = sessionQueue({}, { picks: [1], faults: { detach: true } });
    await sender.sendMessages({ body: 1, sessionId: 's' });
    const receiver = await client.acceptSession('q', 's');
    const e = await rejection(receiver.receiveMessages(1));
    expect(e.code).toBe('SessionLockLost');
    expect(receiver.isClosed).toBe(true);
    expect(bus.decisions().map((d) => `${d.name}=${d.label}`)).toEqual(['fault:detach:session-receiver2=detach']);
    // The broker released the session: another receiver can take it, and the message is still there.
    const again = await client.acceptSession('q', 's');
    const [m] = await again.receiveMessages(1);
    expect(m?.body).toBe(1);
  });

  it('a subscriber hears of a detach through processError, without a call of its own', async () => {
    const { client, sender, bus } = sessionQueue({}, { picks: [1], faults: { detach: true } });
    await sender.sendMessages({ body: 1, sessionId: 's' });
    const receiver = await client.acceptSession('q', 's');
    const errors: string[] = [];
    receiver.subscribe({
      processMessage: async () => undefined,
      processError: async (args) => {
        errors.push(`${args.errorSource}:${(args.error as { code?: string }).code}`);
      },
    });
    await bus.advanceTime(1_000);
    expect(errors).toEqual(['receive:SessionLockLost']);
  });
});
