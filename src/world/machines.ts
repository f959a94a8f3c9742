/**
 * The machines a run is built from: the correct charts, or a mutant's (the correct charts with the
 * mutant's guards, actions and rules swapped in by `machine.provide`). Built once per mutant and kept:
 * `provide` makes a new machine, and a search runs thousands of executions against the same one.
 */
import type { AnyStateMachine } from 'xstate';
import { consumerMachine } from '../../models/consumer.ts';
import { entityMachine } from '../../models/entity.ts';
import type { Mutant } from '../../models/mutants/index.ts';
import { mutantById } from '../../models/mutants/index.ts';
import type { Rules } from '../../models/rules.ts';
import { RULES, rulesWith } from '../../models/rules.ts';
import { sessionLockMachine } from '../../models/session-lock.ts';
import { sessionMachine } from '../../models/session.ts';
import { topicMachine } from '../../models/topic.ts';

export interface Machines {
  readonly mutant: Mutant | null;
  readonly session: AnyStateMachine;
  readonly lock: AnyStateMachine;
  readonly entity: AnyStateMachine;
  readonly consumer: AnyStateMachine;
  readonly topic: AnyStateMachine;
  readonly rules: Rules;
}

export const CORRECT_MACHINES: Machines = {
  mutant: null,
  session: sessionMachine,
  lock: sessionLockMachine,
  entity: entityMachine,
  consumer: consumerMachine,
  topic: topicMachine,
  rules: RULES,
};

const built = new Map<string, Machines>();

/** The machines for a mutant id (null: the correct model). An unknown id is a programming error here: workloads are validated first. */
export function machinesFor(mutantId: string | null): Machines {
  if (mutantId === null) return CORRECT_MACHINES;
  const cached = built.get(mutantId);
  if (cached) return cached;
  const mutant = mutantById(mutantId);
  if (!mutant) throw new Error(`no mutant "${mutantId}" in the zoo`);
  const o = mutant.overrides;
  const machines: Machines = {
    mutant,
    session: o.session ? sessionMachine.provide(o.session) : sessionMachine,
    lock: o.lock ? sessionLockMachine.provide(o.lock) : sessionLockMachine,
    entity: o.entity ? entityMachine.provide(o.entity) : entityMachine,
    consumer: o.consumer ? consumerMachine.provide(o.consumer) : consumerMachine,
    topic: o.topic ? topicMachine.provide(o.topic) : topicMachine,
    rules: rulesWith(o.rules),
  };
  built.set(mutantId, machines);
  return machines;
}
