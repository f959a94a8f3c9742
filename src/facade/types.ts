/**
 * The shapes of @azure/service-bus 7.9 that the facade mirrors (docs/semantics.md §2.7 for the errors), declared here so that sbsim
 * does not need the SDK at run time. test/facade/types.test.ts checks at compile time that they are
 * assignable to the SDK's own interfaces.
 */
import type Long from 'long';
import type { ServiceBusError } from './errors.ts';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

export type ApplicationProperties = { [key: string]: number | boolean | string | Date | null };

/** Anything with an abort signal or tracing options: accepted and ignored (nothing waits on the wall clock). */
export interface OperationOptionsBase {
  abortSignal?: unknown;
  tracingOptions?: unknown;
}

export interface ServiceBusMessage {
  body: unknown;
  messageId?: string | number | Buffer;
  contentType?: string;
  correlationId?: string | number | Buffer;
  partitionKey?: string;
  sessionId?: string;
  replyToSessionId?: string;
  timeToLive?: number;
  subject?: string;
  to?: string;
  replyTo?: string;
  scheduledEnqueueTimeUtc?: Date;
  applicationProperties?: ApplicationProperties;
}

/** The AMQP view of a message, as far as the facade fills it. */
export interface AmqpAnnotatedMessage {
  body: unknown;
  bodyType?: 'data' | 'sequence' | 'value';
  header?: { deliveryCount?: number; timeToLive?: number };
  properties?: { messageId?: string | number | Buffer; groupId?: string; replyToGroupId?: string; subject?: string };
  applicationProperties?: ApplicationProperties;
  messageAnnotations?: { [key: string]: unknown };
}

export interface ServiceBusReceivedMessage extends ServiceBusMessage {
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
  readonly lockToken?: string;
  readonly deliveryCount?: number;
  readonly enqueuedTimeUtc?: Date;
  readonly expiresAtUtc?: Date;
  lockedUntilUtc?: Date;
  readonly enqueuedSequenceNumber?: number;
  readonly sequenceNumber?: Long;
  readonly deadLetterSource?: string;
  readonly state: 'active' | 'deferred' | 'scheduled';
  readonly _rawAmqpMessage: AmqpAnnotatedMessage;
}

export interface ServiceBusReceiverOptions {
  receiveMode?: ReceiveMode;
  subQueueType?: 'deadLetter' | 'transferDeadLetter';
  maxAutoLockRenewalDurationInMs?: number;
  skipParsingBodyAsJson?: boolean;
  skipConvertingDate?: boolean;
  identifier?: string;
}

export interface ServiceBusSessionReceiverOptions extends OperationOptionsBase {
  receiveMode?: ReceiveMode;
  maxAutoLockRenewalDurationInMs?: number;
  skipParsingBodyAsJson?: boolean;
  skipConvertingDate?: boolean;
  identifier?: string;
}

export interface ServiceBusSenderOptions {
  identifier?: string;
}

export interface ReceiveMessagesOptions extends OperationOptionsBase {
  maxWaitTimeInMs?: number;
}

export interface PeekMessagesOptions extends OperationOptionsBase {
  fromSequenceNumber?: Long;
}

export interface SubscribeOptions extends OperationOptionsBase {
  autoCompleteMessages?: boolean;
  maxConcurrentCalls?: number;
}

export type GetMessageIteratorOptions = OperationOptionsBase;

export interface CreateMessageBatchOptions extends OperationOptionsBase {
  maxSizeInBytes?: number;
}

export interface DeadLetterOptions {
  deadLetterReason: string;
  deadLetterErrorDescription: string;
}

export type ErrorSource = 'abandon' | 'complete' | 'processMessageCallback' | 'receive' | 'renewLock';

export interface ProcessErrorArgs {
  error: Error | ServiceBusError;
  errorSource: ErrorSource;
  entityPath: string;
  fullyQualifiedNamespace: string;
  identifier: string;
}

export interface MessageHandlers {
  processMessage(message: ServiceBusReceivedMessage): Promise<void>;
  processError(args: ProcessErrorArgs): Promise<void>;
}
