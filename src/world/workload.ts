/**
 * A workload: the entities, the messages and when they are sent, the consumers with their policies,
 * the fault plan and the bounds. Described once, with its defaults and limits, by the workload schema
 * (src/schema/workload.ts); the world takes the `Workload` that `parseWorkload` returns.
 */
export type { Fault, SendSpec, TopicSpec, Workload, WorkloadInput } from '../schema/workload.ts';
export {
  DEFAULT_MAX_STEPS,
  normalizeWorkload,
  parseWorkload,
  subscriptionPath,
  WorkloadError,
} from '../schema/workload.ts';
