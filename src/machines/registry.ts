/**
 * The machines of the model by their short names (the CLI's `sbsim machines NAME`), in the order a
 * reader meets them: the session, its lock, the entity that owns them, the consumer, the topic.
 */
import type { AnyStateMachine } from 'xstate';
import { CORRECT_MACHINES } from '../world/machines.ts';
import type { MachineDescription } from './describe.ts';
import { describeMachine } from './describe.ts';

export const MACHINE_NAMES = ['session', 'lock', 'entity', 'consumer', 'topic'] as const;
export type MachineName = (typeof MACHINE_NAMES)[number];

export function isMachineName(name: string): name is MachineName {
  return (MACHINE_NAMES as readonly string[]).includes(name);
}

/** The correct model's machine of that name. */
export function machineNamed(name: MachineName): AnyStateMachine {
  return CORRECT_MACHINES[name];
}

const described = new Map<MachineName, MachineDescription>();

/** The description of the correct model's machine (computed once). */
export function describeNamed(name: MachineName): MachineDescription {
  const known = described.get(name);
  if (known) return known;
  const d = describeMachine(machineNamed(name), name);
  described.set(name, d);
  return d;
}

/** Every machine of the model, described. */
export function describeAll(): MachineDescription[] {
  return MACHINE_NAMES.map(describeNamed);
}
