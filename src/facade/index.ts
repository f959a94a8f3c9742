/**
 * The @azure/service-bus-shaped facade over the simulated broker: run your own session code on virtual
 * time, under explored interleavings.
 */
export { SimulatedServiceBus } from './bus.ts';
export type { EntityOptions, SimulatedServiceBusOptions } from './bus.ts';
export type { FaultOptions } from './faults.ts';
export { SimulatedServiceBusClient } from './client.ts';
export { SimulatedSender, SimulatedMessageBatch } from './sender.ts';
export { SimulatedReceiver } from './receiver.ts';
export { SimulatedSessionReceiver } from './session-receiver.ts';
export { SimulatedDeadLetterReceiver } from './dead-letter-receiver.ts';
export { ServiceBusError, isServiceBusError } from './errors.ts';
export type { ServiceBusErrorCode } from './errors.ts';
export { SimulationError } from './runtime.ts';
export type { FacadeScript, ScriptOp } from './script.ts';
export type * from './types.ts';
export { explore, ExploreFailure } from './explore.ts';
export type { ExploreOptions, ExploreReport, ExploreFailureInfo } from './explore.ts';
export { USER_CODE_PROPERTY } from './script.ts';
