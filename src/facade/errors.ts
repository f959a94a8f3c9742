/**
 * The errors the facade raises, with the classes and texts of @azure/service-bus 7.9 (docs/semantics.md §2.7, and
 * the SDK's own `serviceBusError.ts` and `util/errors.ts`): a `ServiceBusError` with a `code` for what the
 * service refuses, a plain `Error` for what the SDK itself refuses (a closed receiver, a settled
 * message), and a `TypeError` for a bad argument. Tests tell them apart exactly as they would with the
 * real client: `isServiceBusError(e) && e.code === 'SessionLockLost'`, `e.message`, `e.name`.
 */
import type { BrokerError } from '../../models/events.ts';

/** The SDK's `ServiceBusErrorCode`. */
export type ServiceBusErrorCode =
  | 'GeneralError'
  | 'MessagingEntityNotFound'
  | 'MessageLockLost'
  | 'MessageNotFound'
  | 'MessageSizeExceeded'
  | 'MessagingEntityAlreadyExists'
  | 'MessagingEntityDisabled'
  | 'QuotaExceeded'
  | 'ServiceBusy'
  | 'ServiceTimeout'
  | 'ServiceCommunicationProblem'
  | 'SessionCannotBeLocked'
  | 'SessionLockLost'
  | 'UnauthorizedAccess';

/** Codes the service may answer again a moment later (core-amqp's retryable set, as far as it matters here). */
const RETRYABLE: ReadonlySet<ServiceBusErrorCode> = new Set([
  'ServiceBusy',
  'ServiceTimeout',
  'ServiceCommunicationProblem',
  'GeneralError',
]);

/** As the SDK's `ServiceBusError` (a `MessagingError` whose `name` is `ServiceBusError`). */
export class ServiceBusError extends Error {
  override name = 'ServiceBusError';
  code: ServiceBusErrorCode;
  retryable: boolean;
  /** MessagingError's optional fields, present for type compatibility. */
  address?: string;
  errno?: number | string;
  port?: number;
  syscall?: string;
  info?: unknown;

  constructor(message: string, code: ServiceBusErrorCode = 'GeneralError') {
    super(message);
    this.code = code;
    this.retryable = RETRYABLE.has(code);
  }
}

/** As the SDK's `isServiceBusError`: anything whose `name` is `ServiceBusError`. */
export function isServiceBusError(err: unknown): err is ServiceBusError {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ServiceBusError';
}

/** The broker's refusal, as the SDK hands it to the caller. */
export function fromBroker(error: BrokerError): ServiceBusError {
  return new ServiceBusError(error.message, error.code);
}

// ---------------------------------------------------------------------------------------------------
// The SDK's texts (util/errors.ts, receivers, senders), word for word.

export const TEXT = {
  connectionClosed: 'The underlying AMQP connection is closed.',
  senderClosed: (entityPath: string) =>
    `The sender for "${entityPath}" has been closed and can no longer be used. ` +
    `Please create a new sender using the "createSender" method on the ServiceBusClient.`,
  receiverClosed: (entityPath: string, sessionId?: string) =>
    sessionId === undefined
      ? `The receiver for "${entityPath}" has been closed and can no longer be used. ` +
        `Please create a new receiver using the "createReceiver" method on the ServiceBusClient.`
      : `The receiver for session "${sessionId}" in "${entityPath}" has been closed and can no ` +
        `longer be used. Please create a new receiver using the "acceptSession" or "acceptNextSession" method on the ServiceBusClient.`,
  alreadyReceiving: (entityPath: string, sessionId?: string) =>
    sessionId === undefined
      ? `The receiver for "${entityPath}" is already receiving messages.`
      : `The receiver for session "${sessionId}" for "${entityPath}" is already receiving messages.`,
  sessionLockLost: (sessionId: string) => `The session lock has expired on the session with id ${sessionId}`,
  /** What a subscriber's `processError` is told when the lock lapses (messageSession.ts). */
  sessionLockLostStreaming: (sessionId: string) => `The session lock has expired on the session with id ${sessionId}.`,
  linkGone: (operation: string) =>
    `Failed to ${operation} the message as the AMQP link with which the message was received is no longer alive.`,
  receiveAndDelete: "The operation is not supported in 'receiveAndDelete' receive mode.",
  peeked:
    "This operation is not supported for peeked messages. Only messages received using 'receiveMessages()', 'subscribe()' and 'getMessageIterator()' methods on the receiver in 'peekLock' receive mode can be settled.",
  alreadySettled: 'The message has either been deleted or already settled',
  renewMessageLockOnSession: 'Renewing message lock is an invalid operation when working with sessions.',
  invalidReceiveMode: (mode: unknown) =>
    `Invalid receiveMode '${String(mode)}' provided. Valid values are 'peekLock' and 'receiveAndDelete'`,
  invalidMaxMessageCount: "'maxMessageCount' must be a number greater than 0.",
  missingParameter: (name: string) => `Missing parameter "${name}"`,
  parameterType: (name: string, type: string) => `The parameter "${name}" should be of type "${type}"`,
  notLong: (name: string) => `The parameter "${name}" should be of type "Long"`,
  notLongArray: (name: string) => `The parameter "${name}" should be an array of type "Long"`,
  emptyString: (name: string) => `Empty string not allowed in parameter "${name}"`,
  invalidHandlers: 'Invalid "MessageHandlers" provided.',
  invalidMessages:
    "Provided value for 'messages' must be of type: ServiceBusMessage, AmqpAnnotatedMessage, ServiceBusMessageBatch or an array of type ServiceBusMessage or AmqpAnnotatedMessage.",
  invalidMessage: "Provided value for 'message' must be of type: ServiceBusMessage or AmqpAnnotatedMessage.",
  partitionKeyMismatch: "The fields 'partitionKey' and 'sessionId' cannot have different values.",
  propertyType: (property: string, type: string) =>
    `The property '${property}' on the message must be of type '${type}'`,
  idType: (property: string) => `The property '${property}' on the message must be of type string, number or Buffer`,
  tooLong: (property: string) =>
    `Length of '${property}' property on the message cannot be greater than 128 characters.`,
  tooBigForBatch:
    'Messages were too big to fit in a single batch. Remove some messages and try again or create your own batch using createBatch(), which gives more fine-grained control.',
  entityNotFound: (namespace: string, path: string) =>
    `The messaging entity 'sb://${namespace}/${path}' could not be found.`,
  acceptNextTimeout: 'Failed to create a receiver within allocated time and retry attempts.',
} as const;
