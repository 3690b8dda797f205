/**
 * Mailer over Azure Communication Services Email. Idempotency has two layers: the outbox record in Table
 * Storage (the same key is never sent twice, across restarts), and the ACS Operation-Id derived from the key,
 * so a send whose response was lost is re-sent under the same operation id. Once ACS accepted a send, the
 * serialized poller is kept: a restarted run resumes polling that operation instead of sending again.
 *
 * Throttling: ACS Email's default limits are low ("Service limits for Azure Communication Services": per
 * subscription, 30 a minute and 100 an hour from a custom domain, 5 and 10 from an Azure-managed domain) and
 * a throttled request is rejected, not queued (429 with Retry-After). The SDK pipeline waits out a short
 * Retry-After and retries; a longer one, or a 429 after the last retry, defers the message: it waits whole in
 * the outbox, every later send of this run waits too (retrying now only counts against the limit), and a later
 * run's sendDeferred sends it under the same key and Operation-Id, so it is never lost and never sent twice.
 */
import { createHash } from 'node:crypto';
import { EmailClient, type EmailClientOptions, type EmailMessage as AcsEmailMessage } from '@azure/communication-email';
import type { TokenCredential } from '@azure/identity';
import { connectionStringEndpoint, isLoopbackHost } from '../endpoints.js';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import {
  type Clock,
  type DeferredMail,
  type EmailMessage,
  isChannelMessage,
  type Logger,
  type Mailer,
  type SentMailRecord,
  type SentMailStore,
  ConflictError,
} from '../ports/index.js';
import { parseRetryAfter } from '../http/retryPolicy.js';
import { ExternalCallError, PermissionError, RequestError, TransientError, type CallContext } from '../ports/index.js';

export interface AcsMailerOptions {
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  sender: string;
  outbox: SentMailStore;
  clock: Clock;
  logger?: Logger;
  /** Time between status polls of an accepted send. */
  pollIntervalMs?: number;
  /** Budget of one send, polling included. */
  timeoutMs?: number;
  /** Retries of the SDK pipeline (429 and 5xx, honouring Retry-After) and their base delay. */
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A Retry-After up to this long is waited for within the run; a longer one defers the message. */
  maxRetryAfterMs?: number;
}

/** ACS asked for a wait longer than the run should spend (or the retries ran out while throttled). */
class AcsThrottledError extends Error {
  constructor(readonly retryAfterMs: number | undefined) {
    super(
      `ACS Email throttled the send${retryAfterMs === undefined ? '' : ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)`}.`,
    );
    this.name = 'AcsThrottledError';
  }
}

/** When ACS gives no Retry-After: the per-minute window. */
const DEFAULT_THROTTLE_MS = 60_000;

const CONTEXT: CallContext = { service: 'ACS Email', operation: 'send email' };
const PERMISSION =
  "the 'Communication and Email Service Owner' role (or a custom role allowing Microsoft.Communication/CommunicationServices/Write) on the Communication Services resource";

/** A UUID that is the same for the same key and attempt: the Operation-Id of that send. */
export function operationIdFor(idempotencyKey: string, attempt: number): string {
  const h = createHash('sha256').update(`${idempotencyKey}\n${attempt}`, 'utf8').digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class AcsMailer implements Mailer {
  private readonly client: EmailClient;
  /** Clock time (ms) before which this mailer does not ask ACS to send: it throttled a send of this run. */
  private throttledUntil = 0;

  constructor(private readonly options: AcsMailerOptions) {
    const endpoint = options.connectionString
      ? connectionStringEndpoint(options.connectionString, 'email')
      : options.endpoint;
    if (!endpoint)
      throw new Error(
        'ACS Email needs a connection string (endpoint=...;accesskey=...) or an endpoint with a credential.',
      );
    const clientOptions: EmailClientOptions = {
      // Plain http only ever reaches the local emulator; config refuses it anywhere else.
      allowInsecureConnection: isLoopbackHost(new URL(endpoint).hostname),
      retryOptions: {
        maxRetries: options.maxRetries ?? 4,
        retryDelayInMs: options.retryDelayMs ?? 1000,
        maxRetryDelayInMs: options.maxRetryDelayMs ?? 30_000,
      },
      // Each attempt: a 429 whose Retry-After is too long to wait for ends the send (it is deferred) instead of sleeping.
      additionalPolicies: [{ policy: this.throttleCap(options.maxRetryAfterMs ?? 60_000), position: 'perRetry' }],
    };
    if (options.connectionString) this.client = new EmailClient(options.connectionString, clientOptions);
    else if (options.credential) this.client = new EmailClient(endpoint, options.credential, clientOptions);
    else throw new Error('ACS Email with an endpoint needs a credential (the managed identity).');
  }

  async send(message: EmailMessage): Promise<{ status: 'sent' | 'duplicate' | 'deferred'; messageId: string }> {
    const key = message.idempotencyKey?.trim();
    if (!key) throw new Error('An email needs an idempotency key.');
    if (message.to.length === 0) throw new Error(`Email '${message.subject}' has no recipients.`);

    let record = await this.claimOrRead(key, message);
    // Sent, or already waiting in the outbox (sendDeferred sends it, in order).
    if (record.status === 'sent' || record.status === 'deferred')
      return { status: 'duplicate', messageId: record.messageId ?? record.operationId };
    if (record.status === 'failed') {
      const attempt = record.attempt + 1;
      record = await this.options.outbox.update({
        ...record,
        status: 'sending',
        attempt,
        operationId: operationIdFor(key, attempt),
        pollerState: undefined,
        error: undefined,
        updatedAt: this.now(),
      });
    }
    if (this.clockMs() < this.throttledUntil && !record.pollerState)
      return this.defer(record, message, this.throttledUntil - this.clockMs());
    return this.deliver(record, message);
  }

  async sendDeferred(): Promise<{ sent: EmailMessage[]; waiting: number }> {
    // The other channels' deliveries share the outbox; they deliver their own (lib/channels/outboxChannel.ts).
    const waiting = (await this.options.outbox.listDeferred()).filter(
      (d): d is DeferredMail & { message: EmailMessage } => !isChannelMessage(d.message),
    );
    const sent: EmailMessage[] = [];
    for (let i = 0; i < waiting.length; i++) {
      const { message, notBefore } = waiting[i] as (typeof waiting)[number];
      if (this.clockMs() < Math.max(this.throttledUntil, Date.parse(notBefore)))
        return { sent, waiting: waiting.length - i };
      const key = message.idempotencyKey;
      const record = await this.options.outbox.get(key);
      if (!record || record.status === 'sent') {
        await this.options.outbox.dropDeferred(key);
        continue;
      }
      // A send ACS reported Failed gets a new attempt (and Operation-Id), as in send().
      const attempt = record.status === 'failed' ? record.attempt + 1 : record.attempt;
      const retry =
        record.status === 'failed'
          ? { attempt, operationId: operationIdFor(key, attempt), pollerState: undefined, error: undefined }
          : {};
      const result = await this.deliver(
        await this.options.outbox.update({ ...record, ...retry, status: 'sending', updatedAt: this.now() }),
        message,
      );
      if (result.status === 'deferred') return { sent, waiting: waiting.length - i };
      await this.options.outbox.dropDeferred(key);
      sent.push(message);
    }
    return { sent, waiting: 0 };
  }

  /** Keeps the message in the outbox for a later run; this run sends nothing more until the wait is over. */
  private async defer(
    record: SentMailRecord,
    message: EmailMessage,
    waitMs: number,
  ): Promise<{ status: 'deferred'; messageId: string }> {
    this.throttledUntil = Math.max(this.throttledUntil, this.clockMs() + waitMs);
    const notBefore = new Date(this.throttledUntil).toISOString();
    await this.options.outbox.defer({ ...record, updatedAt: this.now() }, message, notBefore);
    this.options.logger?.warn(
      `Email ${record.key}: ACS Email is throttling; '${message.subject}' waits in the outbox until ${notBefore} and a later run sends it.`,
    );
    return { status: 'deferred', messageId: record.operationId };
  }

  private throttleCap(maxWaitMs: number): PipelinePolicy {
    return {
      name: 'acsThrottleCap',
      sendRequest: async (request, next) => {
        const response = await next(request);
        if (response.status === 429) {
          const waitMs = parseRetryAfter(response.headers.get('retry-after'), this.clockMs());
          if (waitMs === undefined || waitMs > maxWaitMs) throw new AcsThrottledError(waitMs);
        }
        return response;
      },
    };
  }

  private async claimOrRead(key: string, message: EmailMessage): Promise<SentMailRecord> {
    const existing = await this.options.outbox.get(key);
    if (existing) return existing;
    try {
      return await this.options.outbox.claim({
        key,
        status: 'sending',
        operationId: operationIdFor(key, 1),
        attempt: 1,
        to: message.to,
        subject: message.subject,
        updatedAt: this.now(),
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const winner = await this.options.outbox.get(key);
      if (!winner) throw error;
      return winner;
    }
  }

  private async deliver(
    claimed: SentMailRecord,
    message: EmailMessage,
  ): Promise<{ status: 'sent' | 'deferred'; messageId: string }> {
    let record = claimed;
    const abortSignal = AbortSignal.timeout(this.options.timeoutMs ?? 120_000);
    const pollOptions = { abortSignal, updateIntervalInMs: this.options.pollIntervalMs ?? 2000 };
    try {
      let poller;
      if (record.pollerState) {
        this.options.logger?.info(
          `Email ${record.key}: resuming the send accepted earlier (operation ${record.operationId}).`,
        );
        poller = await this.client.beginSend(this.toAcs(message), { ...pollOptions, resumeFrom: record.pollerState });
      } else {
        poller = await this.client.beginSend(this.toAcs(message), { ...pollOptions, operationId: record.operationId });
        record = await this.options.outbox.update({ ...record, pollerState: poller.toString(), updatedAt: this.now() });
      }
      const result = await poller.pollUntilDone({ abortSignal });
      if (result.status !== 'Succeeded')
        return await this.markFailed(record, message, result.error?.message ?? `status ${result.status}`);
      const messageId = result.id || record.operationId;
      await this.options.outbox.update({
        ...record,
        status: 'sent',
        messageId,
        pollerState: undefined,
        updatedAt: this.now(),
      });
      return { status: 'sent', messageId };
    } catch (error) {
      // ACS answered that this operation ended Failed: nothing was sent, so the next run may send it again.
      // Any other failure (a lost response, a poll that timed out) leaves the record 'sending' for a careful retry.
      if (isFailedOperation(error)) return this.markFailed(record, message, (error as Error).message);
      // Throttled before ACS accepted the send (a 429 is a refusal, nothing was queued): wait in the outbox.
      if (!record.pollerState && error instanceof AcsThrottledError)
        return this.defer(record, message, error.retryAfterMs ?? DEFAULT_THROTTLE_MS);
      if (!record.pollerState && (error as { statusCode?: number })?.statusCode === 429)
        return this.defer(record, message, DEFAULT_THROTTLE_MS);
      throw acsError(error);
    }
  }

  private async markFailed(record: SentMailRecord, message: EmailMessage, detail: string): Promise<never> {
    await this.options.outbox.update({ ...record, status: 'failed', error: detail, updatedAt: this.now() });
    throw new RequestError(
      CONTEXT,
      `ACS did not deliver '${message.subject}' (${detail}); the next run sends it again.`,
    );
  }

  private toAcs(message: EmailMessage): AcsEmailMessage {
    return {
      senderAddress: this.options.sender,
      content: { subject: message.subject, html: message.html, plainText: message.text },
      recipients: { to: message.to.map((address) => ({ address })) },
      headers: { 'X-Watchdog-Idempotency-Key': sanitizeHeader(message.idempotencyKey) },
    };
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private clockMs(): number {
    return this.options.clock.now().getTime();
  }
}

/** The poller reports an operation that ended Failed as a plain Error (no HTTP status) with this wording. */
function isFailedOperation(error: unknown): boolean {
  return (
    error instanceof Error &&
    !(error instanceof ExternalCallError) &&
    (error as { statusCode?: number }).statusCode === undefined &&
    /long-running operation has failed/i.test(error.message)
  );
}

/** Header values must not carry CR/LF (header injection) and stay short. */
function sanitizeHeader(value: string): string {
  return Array.from(value, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .slice(0, 200);
}

function acsError(error: unknown): unknown {
  if (error instanceof ExternalCallError || error instanceof ConflictError) return error;
  const e = error as { statusCode?: number; name?: string; message?: string; code?: string };
  const status = e?.statusCode;
  if (status === 401 || status === 403) return new PermissionError(CONTEXT, status, PERMISSION, e.message);
  if (
    status === 429 ||
    (status !== undefined && status >= 500) ||
    e?.name === 'AbortError' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'REQUEST_SEND_ERROR'
  ) {
    return new TransientError(
      CONTEXT,
      1,
      `${status ? `HTTP ${status}` : (e?.name ?? 'failure')}: ${e?.message ?? String(error)}`,
      status,
      error,
    );
  }
  if (status !== undefined) return new RequestError(CONTEXT, e?.message ?? `HTTP ${status}`, status, undefined, error);
  return error;
}
