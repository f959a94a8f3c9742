/**
 * Messages between the SDK's shape and the model's. The model carries what the broker's rules need
 * (message id, session id, time to live, subject, reply-to session id); everything else the SDK's message
 * has (any body, content type, correlation id, application properties…) stays in a payload store, and the
 * model's `body` holds the payload's key. A received message is rebuilt from the model's view of it (sequence
 * number, delivery count, times, state) and its payload.
 *
 * Validation follows the SDK's `getMessagePropertyTypeMismatchError` and `toRheaMessage`, in order, with
 * their texts and error classes (a TypeError for a wrong type, a plain Error for a too-long id).
 */
import Long from 'long';
import type { MessageSpec, ReceivedMessage } from '../../models/events.ts';
import { TEXT } from './errors.ts';
import type {
  AmqpAnnotatedMessage,
  ApplicationProperties,
  ServiceBusMessage,
  ServiceBusReceivedMessage,
} from './types.ts';

/** `Constants.maxDurationValue` of core-amqp: TimeSpan.MaxValue in ms, the ceiling of `expiresAtUtc`. */
export const MAX_DURATION_MS = 922337203685477;

/** The largest message the Standard tier takes (256 KB), and Premium's default (1 MB). */
export const MAX_MESSAGE_BYTES = { standard: 256 * 1024, premium: 1024 * 1024 } as const;

/** What the facade keeps of a sent message, beside what the model keeps. */
export interface Payload {
  readonly body: unknown;
  readonly messageId?: string | number | Buffer;
  readonly contentType?: string;
  readonly correlationId?: string | number | Buffer;
  readonly partitionKey?: string;
  readonly sessionId?: string;
  readonly replyToSessionId?: string;
  readonly timeToLive?: number;
  readonly subject?: string;
  readonly to?: string;
  readonly replyTo?: string;
  readonly applicationProperties?: ApplicationProperties;
}

/** Changes settlement made to one stored message (abandon/defer/dead-letter properties, dead-letter reason). */
export interface Overlay {
  applicationProperties?: ApplicationProperties;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  deadLetterSource?: string;
}

export function isObjectWith(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}

/** The SDK's `isAmqpAnnotatedMessage`: a body and a body type. */
export function isAmqpMessage(value: unknown): value is AmqpAnnotatedMessage {
  return isObjectWith(value, 'body') && isObjectWith(value, 'bodyType');
}

/** The SDK's checks on one message to send, in its order (TypeError or Error, with its texts). */
export function validateMessage(msg: unknown, wrongType: string): Payload {
  if (!isObjectWith(msg, 'body')) throw new TypeError(wrongType);
  const payload = isAmqpMessage(msg) ? fromAmqp(msg) : (msg as ServiceBusMessage);
  if (payload.partitionKey && payload.sessionId && payload.partitionKey !== payload.sessionId)
    throw new TypeError(TEXT.partitionKeyMismatch);
  const typeError = propertyTypeError(payload);
  if (typeError) throw typeError;
  if (payload.sessionId != null && payload.sessionId.length > 128) throw new Error(TEXT.tooLong('sessionId'));
  if (typeof payload.messageId === 'string' && payload.messageId.length > 128)
    throw new Error(TEXT.tooLong('messageId'));
  if (payload.partitionKey != null && payload.partitionKey.length > 128) throw new Error(TEXT.tooLong('partitionKey'));
  return copyPayload(payload);
}

function propertyTypeError(msg: ServiceBusMessage): TypeError | undefined {
  const strings: [keyof ServiceBusMessage, string][] = [
    ['contentType', 'contentType'],
    ['subject', 'label'],
    ['to', 'to'],
    ['replyTo', 'replyTo'],
    ['replyToSessionId', 'replyToSessionId'],
  ];
  for (const [key, name] of strings)
    if (msg[key] != null && typeof msg[key] !== 'string') return new TypeError(TEXT.propertyType(name, 'string'));
  if (msg.timeToLive != null && typeof msg.timeToLive !== 'number')
    return new TypeError(TEXT.propertyType('timeToLive', 'number'));
  if (msg.sessionId != null && typeof msg.sessionId !== 'string')
    return new TypeError(TEXT.propertyType('sessionId', 'string'));
  for (const key of ['messageId', 'correlationId'] as const) {
    const v = msg[key];
    if (v != null && typeof v !== 'string' && typeof v !== 'number' && !Buffer.isBuffer(v))
      return new TypeError(TEXT.idType(key));
  }
  return undefined;
}

function fromAmqp(m: AmqpAnnotatedMessage): ServiceBusMessage {
  const p = m.properties ?? {};
  return {
    body: m.body,
    ...(p.messageId !== undefined ? { messageId: p.messageId } : {}),
    ...(p.groupId !== undefined ? { sessionId: p.groupId } : {}),
    ...(p.replyToGroupId !== undefined ? { replyToSessionId: p.replyToGroupId } : {}),
    ...(p.subject !== undefined ? { subject: p.subject } : {}),
    ...(m.header?.timeToLive !== undefined ? { timeToLive: m.header.timeToLive } : {}),
    ...(m.applicationProperties !== undefined ? { applicationProperties: m.applicationProperties } : {}),
  };
}

/** The user-facing fields only: a received message sent again carries none of its broker fields. */
function copyPayload(m: ServiceBusMessage): Payload {
  const out: Record<string, unknown> = { body: m.body };
  for (const key of [
    'messageId',
    'contentType',
    'correlationId',
    'partitionKey',
    'sessionId',
    'replyToSessionId',
    'timeToLive',
    'subject',
    'to',
    'replyTo',
  ] as const) {
    if (m[key] != null) out[key] = m[key];
  }
  if (m.applicationProperties != null) out.applicationProperties = { ...m.applicationProperties };
  return out as unknown as Payload;
}

/** About what the message costs on the wire: body as JSON, properties, a fixed overhead. */
export function sizeOf(p: Payload): number {
  let body: string;
  try {
    body = Buffer.isBuffer(p.body) ? p.body.toString('latin1') : (JSON.stringify(p.body) ?? '');
  } catch {
    body = '';
  }
  const props = p.applicationProperties ? JSON.stringify(p.applicationProperties).length : 0;
  return 64 + Buffer.byteLength(body) + props + String(p.messageId ?? '').length + (p.sessionId ?? '').length;
}

function idText(id: string | number | Buffer): string {
  return Buffer.isBuffer(id) ? id.toString('hex') : String(id);
}

/** Payloads by key, and what settlement changed, by (entity, sequence number). */
export class MessageStore {
  private readonly payloads = new Map<string, Payload>();
  private readonly overlays = new Map<string, Overlay>();
  private readonly byMessageId = new Map<string, string>();
  private n = 0;

  /** The key of the last payload sent with this message id. */
  keyOf(messageId: string): string | undefined {
    return this.byMessageId.get(messageId);
  }

  /** Store a payload; the spec the model gets names it by key. */
  add(payload: Payload): MessageSpec {
    const key = `p${++this.n}`;
    this.payloads.set(key, payload);
    // Without a message id the service assigns one: a GUID there, a numbered one here (deterministic).
    const messageId = payload.messageId != null ? idText(payload.messageId) : `auto-${this.n}`;
    this.byMessageId.set(messageId, key);
    return {
      messageId,
      body: key,
      ...(payload.sessionId !== undefined ? { sessionId: payload.sessionId } : {}),
      ...(payload.timeToLive !== undefined ? { ttlMs: payload.timeToLive } : {}),
      ...(payload.subject !== undefined ? { subject: payload.subject } : {}),
      ...(payload.replyToSessionId !== undefined ? { replyToSessionId: payload.replyToSessionId } : {}),
    };
  }

  payloadOf(m: ReceivedMessage): Payload {
    return (m.body !== undefined ? this.payloads.get(m.body) : undefined) ?? { body: m.body ?? null };
  }

  overlay(entity: string, seq: number): Overlay {
    const key = `${entity}#${seq}`;
    let o = this.overlays.get(key);
    if (!o) {
      o = {};
      this.overlays.set(key, o);
    }
    return o;
  }

  /** Record properties an abandon, defer or dead-letter set on the message. */
  modify(entity: string, seq: number, props: ApplicationProperties | undefined): void {
    if (!props || Object.keys(props).length === 0) return;
    const o = this.overlay(entity, seq);
    o.applicationProperties = { ...(o.applicationProperties ?? {}), ...props };
  }
}

export interface ViewExtras {
  readonly lockToken?: string | undefined;
  readonly lockedUntilMs?: number | undefined;
  readonly state?: 'active' | 'deferred' | 'scheduled';
  readonly overlay?: Overlay | undefined;
  readonly deliveryCount?: number;
}

/** The SDK's received message (fromRheaMessage's fields) for the model's view of a message. */
export function toReceived(m: ReceivedMessage, payload: Payload, extras: ViewExtras): ServiceBusReceivedMessage {
  const overlay = extras.overlay ?? {};
  const applicationProperties =
    payload.applicationProperties || overlay.applicationProperties
      ? { ...(payload.applicationProperties ?? {}), ...(overlay.applicationProperties ?? {}) }
      : undefined;
  const expires = m.expiresAtMs === null ? MAX_DURATION_MS : Math.min(m.expiresAtMs, MAX_DURATION_MS);
  const deliveryCount = extras.deliveryCount ?? m.deliveryCount;
  const raw: AmqpAnnotatedMessage = {
    body: payload.body,
    bodyType: 'data',
    header: { deliveryCount, ...(payload.timeToLive !== undefined ? { timeToLive: payload.timeToLive } : {}) },
    properties: {
      ...(payload.messageId !== undefined ? { messageId: payload.messageId } : { messageId: m.messageId }),
      ...(m.sessionId !== null ? { groupId: m.sessionId } : {}),
      ...(m.replyToSessionId !== undefined ? { replyToGroupId: m.replyToSessionId } : {}),
      ...(m.subject !== undefined ? { subject: m.subject } : {}),
    },
    ...(applicationProperties ? { applicationProperties } : {}),
    messageAnnotations: {
      'x-opt-sequence-number': m.seq,
      'x-opt-enqueued-time': m.enqueuedAtMs,
      'x-opt-message-state': extras.state === 'deferred' ? 1 : 0,
    },
  };
  const out: Record<string, unknown> = {
    ...payload,
    messageId: payload.messageId ?? m.messageId,
    ...(m.sessionId !== null ? { sessionId: m.sessionId } : {}),
    ...(applicationProperties ? { applicationProperties } : {}),
    deliveryCount,
    enqueuedTimeUtc: new Date(m.enqueuedAtMs),
    expiresAtUtc: new Date(expires),
    sequenceNumber: Long.fromNumber(m.seq),
    enqueuedSequenceNumber: 0,
    state: extras.state ?? m.state,
    _rawAmqpMessage: raw,
  };
  if (extras.lockToken !== undefined) out.lockToken = extras.lockToken;
  if (extras.lockedUntilMs !== undefined) out.lockedUntilUtc = new Date(extras.lockedUntilMs);
  if (overlay.deadLetterReason !== undefined) out.deadLetterReason = overlay.deadLetterReason;
  if (overlay.deadLetterErrorDescription !== undefined)
    out.deadLetterErrorDescription = overlay.deadLetterErrorDescription;
  if (overlay.deadLetterSource !== undefined) out.deadLetterSource = overlay.deadLetterSource;
  return out as unknown as ServiceBusReceivedMessage;
}

/** A GUID-shaped lock token, numbered (deterministic). */
export function lockTokenOf(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5b5b0000-0000-4000-8000-${hex}`;
}

/** The SDK's `toBuffer` then the service's bytes, as the string the model stores. */
export function encodeState(state: unknown): string {
  if (Buffer.isBuffer(state)) return `\u0000buffer:${state.toString('base64')}`;
  return JSON.stringify(state === undefined ? null : state) ?? 'null';
}

/** The SDK's `tryToJsonDecode` over the stored bytes; no state at all reads as null. */
export function decodeState(value: string | null): unknown {
  if (value === null) return null;
  const text = value.startsWith('\u0000buffer:')
    ? Buffer.from(value.slice('\u0000buffer:'.length), 'base64').toString('utf8')
    : value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Buffer.from(text, 'utf8');
  }
}

export function isLong(value: unknown): value is Long {
  return Long.isLong(value);
}
