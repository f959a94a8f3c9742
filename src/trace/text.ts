/**
 * Plain-text rendering of a trace: one line per delivery, facts indented beneath the step that
 * produced them. Colour only when asked for (the CLI asks on a TTY without NO_COLOR).
 */
import type { ChalkInstance } from 'chalk';
import { Chalk } from 'chalk';
import type { Fact } from '../../models/events.ts';
import type { TraceEvent } from './types.ts';
import { visibleDeep } from './visible.ts';

export interface TextOptions {
  /** ANSI colour; off by default: a pure function does not look at the terminal. */
  readonly color?: boolean;
  /** Leave out broker-internal hand-offs (entity ↔ session ↔ lock). */
  readonly brief?: boolean;
}

export function renderTrace(trace: readonly TraceEvent[], options: TextOptions = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  // Ids may hold control characters (a session id from a workload file): shown escaped, never sent to the terminal.
  for (const e of visibleDeep(trace)) {
    if (e.k === 'fact') {
      lines.push(`${' '.repeat(16)}${c.yellow('•')} ${describeFact(e.fact, c)}`);
      continue;
    }
    if (e.k !== 'deliver') continue;
    if (options.brief && e.via === 'internal') continue;
    const time = c.dim(`t=${String(e.t).padStart(7)}ms`);
    const step = c.dim(`#${String(e.step).padStart(4)}`);
    const change = e.before === e.after ? c.dim(e.after) : `${e.before} → ${c.bold(e.after)}`;
    const via = e.via === 'timer' ? c.magenta('⏰') : e.via === 'internal' ? c.dim('↳') : '✉';
    lines.push(`${time} ${step} ${via} ${c.cyan(e.actor)} ${e.ev}${e.arg ? ` ${c.dim(e.arg)}` : ''} ${change}`);
  }
  return lines.join('\n');
}

export function describeFact(fact: Fact, c: ChalkInstance = new Chalk({ level: 0 })): string {
  const f = visibleDeep(fact);
  const entity = 'entity' in f ? f.entity : '';
  const where = (session: string | null, seq?: number) => `${session ?? entity}${seq === undefined ? '' : `#${seq}`}`;
  switch (f.kind) {
    case 'sent':
      return `sent ${f.messageId} as ${where(f.session, f.seq)}${f.expiresAtMs === null ? '' : `, expires at ${f.expiresAtMs}ms`}`;
    case 'sendRejected':
      return c.red(`send of ${f.messageId} rejected: ${f.reason}`);
    case 'accepted':
      return `${f.consumer} holds session ${f.session} (lock ${f.token} until ${f.lockedUntilMs}ms${f.next ? ', accept-next' : ''})`;
    case 'acceptFailed':
      return c.red(`${f.consumer} could not accept ${f.session ?? 'a session'}: ${f.code}`);
    case 'delivered':
      return `${where(f.session, f.seq)} delivered to ${f.consumer}, delivery count ${f.deliveryCount}${f.deferred ? ' (deferred)' : ''}${f.mode === 'receiveAndDelete' ? ' (removed on transfer)' : ''}`;
    case 'settled':
      return `${f.consumer} ${f.action}${f.action.endsWith('e') ? 'd' : 'ed'} ${where(f.session, f.seq)}`;
    case 'opFailed':
      return c.red(`${f.consumer}: ${f.op} ${where(f.session, f.seq ?? undefined)} failed with ${f.code}`);
    case 'requeued':
      return `${where(f.session, f.seq)} active again after ${f.cause}, delivery count ${f.deliveryCount}`;
    case 'deadLettered':
      return c.red(`${where(f.session, f.seq)} dead-lettered: ${f.reason}`);
    case 'expired':
      return c.red(
        `${where(f.session, f.seq)} expired (${f.rule === 'session' ? 'session-wide rule' : 'its own TTL'})${f.deadLettered ? ', dead-lettered' : ', dropped'}`,
      );
    case 'closeRequested':
      return `${f.consumer} ${f.cause === 'close' ? 'closes its receiver' : f.cause === 'crash' ? 'crashed; its link drops' : 'lost its link'} on ${f.session} (lock ${f.token})`;
    case 'lockReleased':
      return `lock ${f.token} on ${f.session} released by ${f.cause} (${f.consumer})`;
    case 'lockExpired':
      return c.red(
        f.session === null
          ? `message lock ${f.token} expired`
          : `lock ${f.token} of ${f.consumer} on ${f.session} expired`,
      );
    case 'lockRenewed':
      return `lock ${f.token} on ${f.session} renewed until ${f.lockedUntilMs}ms`;
    case 'stateSet':
      return `${f.consumer} set state of ${f.session} to ${JSON.stringify(f.value)}`;
    case 'stateRead':
      return `${f.consumer} read state of ${f.session}: ${JSON.stringify(f.value)}`;
    case 'processingStarted':
      return `${f.consumer} starts handling ${where(f.session, f.seq)} for ${f.durationMs}ms`;
    case 'processed':
      return `${f.consumer} finished ${f.messageId} (${where(f.session, f.seq)}): ${f.outcome}`;
    case 'crashed':
      return c.red(`${f.consumer} crashed`);
  }
}
