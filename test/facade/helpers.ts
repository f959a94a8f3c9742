import { SimulatedServiceBus } from '../../src/facade/index.ts';
import type { EntityOptions, SimulatedServiceBusOptions } from '../../src/facade/index.ts';

/** A namespace with one session queue `q` (30 s locks unless said otherwise) and a client. */
export function sessionQueue(entity: EntityOptions = {}, options: SimulatedServiceBusOptions = { seed: 1 }) {
  const bus = new SimulatedServiceBus(options);
  bus.createQueue('q', { requiresSession: true, lockDurationMs: 30_000, ...entity });
  const client = bus.createClient();
  const sender = client.createSender('q');
  return { bus, client, sender };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The error a synchronous call throws. */
export function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to throw, but it returned');
}
