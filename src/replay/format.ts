/**
 * The replay file: a failing schedule as a versioned JSON document. `sbsim check` writes one for every
 * violation it finds; `sbsim replay FILE` re-runs it bit for bit and explains it.
 *
 * The file holds everything a replay needs and nothing that changes from one search to the next: no
 * wall-clock time, no host name, no absolute path. The same search therefore writes a byte-identical
 * file, and a file can be committed as a regression test (test/regressions/).
 *
 * A version 2 file (test/regressions/M03.json, abridged), in the order the fields are written:
 *
 * ```json
 * {
 *   "format": "sbsim-replay",
 *   "formatVersion": 2,
 *   "tool": { "name": "sbsim", "version": "0.1.0", "modelHash": "sha256:…" },
 *   "property": { "id": "fifo-delivery", "message": "message s1#2 (m2) was delivered …", "step": 11, "t": 10 },
 *   "mutant": "M03",
 *   "switches": { "sessionWideExpiry": false, … },
 *   "search": { "seed": 3, "fastCheck": { "seed": 3, "path": "14:1:0:0:1:2:2:2:2:2:3:2:2:3:3:3:3:3:3:3:4:4:4:5:4:4:5:5:5:5" } },
 *   "original": { "decisions": 25, "deviations": 2, "steps": 154, "messages": 12, "consumers": 1, "sessions": 3 },
 *   "shrunk": { "decisions": 2, "deviations": 0, "steps": 43, "messages": 2, "consumers": 1, "sessions": 1 },
 *   "workload": { "name": "generated", "entities": […], …, "mutant": "M03" },
 *   "decisions": [
 *     { "i": 0, "kind": "schedule", "name": "deliver", "n": 2, "pick": 0, "label": "timer consumer:c1|start@0" },
 *     { "i": 1, "kind": "schedule", "name": "deliver", "n": 2, "pick": 0, "label": "mail entity:q <- req.accept from consumer:c1" }
 *   ]
 * }
 * ```
 */
import type { Counterexample, Size } from '../check/check.ts';
import type { Switches } from '../../models/config.ts';
import type { Decision } from '../sim/chooser.ts';
import type { Workload } from '../world/workload.ts';
import type { FacadeScript } from '../facade/script.ts';
import type { ToolInfo } from './tool.ts';
import { currentTool } from './tool.ts';

/** The value of `format`: what tells a replay file from any other JSON. */
export const REPLAY_FORMAT = 'sbsim-replay';
/** The version this sbsim writes and the newest it reads. Any change to the fields below raises it. */
export const REPLAY_FORMAT_VERSION = 2;

/** The property a replay is expected to violate, as the search saw it. */
export interface ReplayProperty {
  /** The property's id in the library (`ALL_PROPERTIES`): `exclusive-lock`, `fifo-delivery`… */
  readonly id: string;
  /** The violation, a full sentence. A replay reproduces the failure when it gets this same sentence. */
  readonly message: string;
  /** Step of the violating event (the `step` of trace events), or null for an end-of-run violation. */
  readonly step: number | null;
  /** Virtual time of the violating event, ms, or null. */
  readonly t: number | null;
}

/** How large a counterexample is; `original` before shrinking and `shrunk` after. */
export interface ReplaySize {
  /** Scheduling and choice decisions the run made. */
  readonly decisions: number;
  /** Decisions that picked other than option 0: the schedule's real content. */
  readonly deviations: number;
  /** Steps (deliveries chosen by the scheduler) until the run went quiet or hit `maxSteps`. */
  readonly steps: number;
  readonly messages: number;
  readonly consumers: number;
  /** Distinct session ids among the messages (a non-session message counts as one more). */
  readonly sessions: number;
}

/** Where the counterexample came from, so the search itself can be repeated. */
export interface ReplaySearch {
  /** `sbsim check --seed`. */
  readonly seed: number;
  /** fast-check's coordinates of the shrunk counterexample: `fc.check(property, { seed, path })` replays it. */
  readonly fastCheck: { readonly seed: number; readonly path: string };
}

export interface ReplayFile {
  /** Always `sbsim-replay`. */
  readonly format: typeof REPLAY_FORMAT;
  /**
   * 2 since mutants are named by id (`workload.mutant`); version 1 named their seeded-bug flags
   * (`workload.bugs`) and is still read. A reader rejects a newer version (it could misread it) with code
   * `newer-version`.
   */
  readonly formatVersion: typeof REPLAY_FORMAT_VERSION;
  /**
   * The sbsim that wrote the file. `modelHash` is sha256 over the model sources (model-hash.ts); a
   * different hash at replay time is a warning, and divergence detection then says if the run still fits.
   */
  readonly tool: ToolInfo;
  /** The violation the search found, which the replay must reproduce. */
  readonly property: ReplayProperty;
  /** Id of the mutant of the zoo the search ran against (`M03`), or null for the real model: an echo of `workload.mutant`, up front. */
  readonly mutant: string | null;
  /** The semantic switches in force: an echo of `workload.switches`, up front, because a replay under other switches is another experiment. */
  readonly switches: Switches;
  readonly search: ReplaySearch;
  /** Size of the first failing example found, before shrinking. */
  readonly original: ReplaySize;
  /** Size of the counterexample this file holds. */
  readonly shrunk: ReplaySize;
  /** The normalized workload (every default filled in), including `mutant`: the zoo mutant it runs, by id. */
  readonly workload: Workload;
  /**
   * Every decision of the run, in order, typed: `i` its index, `kind` (`schedule`, `choice`, `int`), `name`
   * (what was decided), `n` options, `pick` in [0, n), and `label`, the picked option in words. Replay
   * feeds the picks back and checks each kind, name and label against what the model offers.
   */
  readonly decisions: readonly Decision[];
  /**
   * Only in files `explore` wrote for the SDK facade: what the user's code did to the broker (clients
   * attached, requests, client timers, the facade's own picks), each at its step. The replay applies
   * these at their steps; the user's code itself is not in the file (src/facade/script.ts).
   */
  readonly facade?: FacadeScript;
}

export function replaySizeOf(size: Size): ReplaySize {
  return {
    decisions: size.decisions,
    deviations: size.deviations,
    steps: size.steps,
    messages: size.messages,
    consumers: size.consumers,
    sessions: size.sessions,
  };
}

/**
 * The replay file of a counterexample found by `check({ seed, … })`. The mutant is the one the run used,
 * as its workload says: the file's echo cannot disagree with the workload it replays.
 */
export function replayFileOf(cx: Counterexample, search: { readonly seed: number }): ReplayFile {
  const v = cx.violation;
  return {
    format: REPLAY_FORMAT,
    formatVersion: REPLAY_FORMAT_VERSION,
    tool: currentTool(),
    property: { id: v.property, message: v.message, step: v.step, t: v.t },
    mutant: cx.workload.mutant ?? null,
    switches: cx.workload.switches,
    search: { seed: search.seed, fastCheck: { seed: cx.fastCheck.seed, path: cx.fastCheck.path } },
    original: replaySizeOf(cx.original),
    shrunk: replaySizeOf(cx.shrunk),
    workload: cx.workload,
    decisions: cx.decisions.map((d) => ({ i: d.i, kind: d.kind, name: d.name, n: d.n, pick: d.pick, label: d.label })),
  };
}

const WIDTH = 100;

/**
 * The file's text: JSON, indented for reading and diffing, with short objects and arrays on one line
 * and each decision on a line of its own. Ends with a newline. Fields whose value is `undefined` are
 * left out, as JSON.stringify does.
 */
export function formatReplayFile(file: ReplayFile): string {
  return `${pretty(file, '', false)}\n`;
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

function entriesOf(v: object): [string, unknown][] {
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

function inline(v: unknown): string {
  if (!isContainer(v)) return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v))
    return v.length === 0 ? '[]' : `[${v.map((x: unknown) => inline(x === undefined ? null : x)).join(', ')}]`;
  const entries = entriesOf(v);
  return entries.length === 0
    ? '{}'
    : `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')} }`;
}

/** A flat record (no nested containers) in an array is a row: one per line, however long. */
function isRow(v: unknown, inArray: boolean): boolean {
  return inArray && isContainer(v) && !Array.isArray(v) && entriesOf(v).every(([, x]) => !isContainer(x));
}

function pretty(v: unknown, indent: string, inArray: boolean): string {
  const flat = inline(v);
  if (!isContainer(v) || indent.length + flat.length <= WIDTH || isRow(v, inArray)) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(v))
    return `[\n${v.map((x: unknown) => inner + pretty(x === undefined ? null : x, inner, true)).join(',\n')}\n${indent}]`;
  return `{\n${entriesOf(v)
    .map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner, false)}`)
    .join(',\n')}\n${indent}}`;
}
