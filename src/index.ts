/**
 * The public API of sbsim: run workloads, drive the simulated broker one command at a time, check the
 * properties, render traces. Everything here is deterministic given a seed or a decision list.
 */
export { runWorkload, chooserFor } from './world/run.ts';
export type { RunOptions, WorkloadRun } from './world/run.ts';
export { Driver } from './world/driver.ts';
export type { Reply, SessionHandle } from './world/driver.ts';
export { World, ActorFailure } from './world/world.ts';
export type { RunResult, WorldState, EntityState, SessionState } from './world/world.ts';
export { normalizeWorkload, WorkloadError } from './world/workload.ts';
export type { Workload, WorkloadInput, Fault, SendSpec } from './world/workload.ts';
export { Chooser, DivergenceError, seededSource, listSource } from './sim/chooser.ts';
export type { Decision, DecisionKind, PickSource } from './sim/chooser.ts';
export { PctSource, pctSource } from './sim/pct.ts';
export type { PctOptions } from './sim/pct.ts';

export { check } from './check/check.ts';
export type { CheckOptions, CheckReport, Counterexample } from './check/check.ts';
export { checkParallel } from './check/parallel.ts';
export { STRATEGIES } from './check/strategy.ts';
export type { Strategy } from './check/strategy.ts';
export { runMutants } from './check/mutants.ts';
export { SITUATIONS, situationsOf, situationsOfRun } from './check/coverage.ts';
export { ALL_PROPERTIES } from '../properties/index.ts';
export type { Property, RunRecord, Violation } from '../properties/types.ts';
export { workloadArb } from '../properties/arbitraries/workload.ts';
export { scheduleArb } from '../properties/arbitraries/schedule.ts';
export { MUTANTS, mutantById } from '../models/mutants/index.ts';
export type { Mutant } from '../models/mutants/index.ts';

export { SCENARIOS, scenarioById } from './scenarios/index.ts';
export { renderTrace, describeFact } from './trace/text.ts';
export { renderSwimlane } from './trace/swimlane.ts';
export { renderMermaid } from './trace/mermaid.ts';
export { renderHtml } from './trace/html.ts';
export type { TraceEvent, FactEvent, DeliveryEvent } from './trace/types.ts';

export { SWITCH_DEFAULTS, ENTITY_DEFAULTS } from './schema/workload.ts';
export type { EntityConfig, Switches } from '../models/config.ts';
export type { ConsumerSpec, Outcome, RenewalPolicy } from '../models/consumer.ts';
export type { Fact, MessageSpec, ReceivedMessage, ErrorCode, SettleAction } from '../models/events.ts';

export {
  SimulatedServiceBus,
  SimulatedServiceBusClient,
  SimulatedSender,
  SimulatedMessageBatch,
  SimulatedReceiver,
  SimulatedSessionReceiver,
  SimulatedDeadLetterReceiver,
  ServiceBusError,
  isServiceBusError,
  SimulationError,
  explore,
  ExploreFailure,
  USER_CODE_PROPERTY,
} from './facade/index.ts';
export type {
  EntityOptions,
  SimulatedServiceBusOptions,
  ServiceBusErrorCode,
  ExploreOptions,
  ExploreReport,
  ExploreFailureInfo,
  FacadeScript,
  ScriptOp,
  ServiceBusMessage as SimulatedServiceBusMessage,
  ServiceBusReceivedMessage as SimulatedServiceBusReceivedMessage,
  MessageHandlers as SimulatedMessageHandlers,
  ProcessErrorArgs as SimulatedProcessErrorArgs,
  FaultOptions,
} from './facade/index.ts';
