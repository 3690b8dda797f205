/**
 * A notice channel over the outbox, the same outbox the email goes through: the delivery is claimed under its key
 * (`<channel>|<notice key>`) and its message written to the outbox *before* the first attempt, so a run that dies
 * mid-delivery leaves it for the next run's deliverWaiting; a delivered key is never posted again. A failed
 * delivery (the channel down, a 4xx, a data collection rule refusing the rows) stays in the outbox with its
 * error and is retried by later runs with a growing wait; the other channels are not held up.
 *
 * What "never twice" can and cannot promise over HTTP: a run that dies after the receiver accepted a post but
 * before the outbox recorded it posts it again. Every post carries the notice key (the webhook's event id, the
 * log row's EventId), so receivers that deduplicate on it see each notice once.
 */
import {
  ConflictError,
  type ChannelDelivery,
  type ChannelMessage,
  type ChannelName,
  type ChannelOutboxResult,
  type Clock,
  type Logger,
  type NoticeChannel,
  type SentMailRecord,
  type SentMailStore,
  isChannelMessage,
} from '../ports/index.js';

/** Posts one message; throws (with a message fit for the outbox record and the run report) when it was not accepted. */
export type ChannelPost = (message: ChannelMessage) => Promise<void>;

export interface OutboxChannelOptions {
  name: ChannelName;
  post: ChannelPost;
  outbox: SentMailStore;
  clock: Clock;
  logger?: Logger;
  /** Wait before a later run tries a failed delivery again: doubles per failed run, from 1 minute up to 6 hours. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

const MAX_ERROR = 1000;

export class OutboxChannel implements NoticeChannel {
  readonly name: ChannelName;

  constructor(private readonly options: OutboxChannelOptions) {
    this.name = options.name;
  }

  async deliver(message: ChannelMessage): Promise<ChannelDelivery> {
    let record = await this.claimOrRead(message);
    if (record.status === 'sent') return { status: 'duplicate' };
    // Write-ahead: the message waits in the outbox before it is posted.
    if (record.status !== 'deferred') record = await this.options.outbox.defer(record, message, this.now());
    return this.attempt(record, message);
  }

  async deliverWaiting(): Promise<ChannelOutboxResult> {
    const result: ChannelOutboxResult = { channel: this.name, sent: 0, waiting: 0, errors: [] };
    const waiting = (await this.options.outbox.listDeferred()).filter(
      (d) => isChannelMessage(d.message) && d.message.channel === this.name,
    );
    for (const { message, notBefore } of waiting) {
      if (!isChannelMessage(message)) continue;
      if (Date.parse(notBefore) > this.clockMs()) {
        result.waiting++;
        continue;
      }
      const record = await this.options.outbox.get(message.idempotencyKey);
      if (!record || record.status === 'sent') {
        await this.options.outbox.dropDeferred(message.idempotencyKey);
        continue;
      }
      const delivery = await this.attempt(record, message);
      if (delivery.status === 'sent') result.sent++;
      else {
        result.waiting++;
        if (delivery.error) result.errors.push(`${message.subject}: ${delivery.error}`);
      }
    }
    return result;
  }

  private async attempt(record: SentMailRecord, message: ChannelMessage): Promise<ChannelDelivery> {
    const { outbox, logger } = this.options;
    try {
      await this.options.post(message);
    } catch (error) {
      const detail = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR);
      const wait = Math.min(
        this.options.maxRetryMs ?? 6 * 3_600_000,
        (this.options.firstRetryMs ?? 60_000) * 2 ** Math.max(0, record.attempt - 1),
      );
      const notBefore = new Date(this.clockMs() + wait).toISOString();
      await outbox.defer(
        { ...record, attempt: record.attempt + 1, error: detail, updatedAt: this.now() },
        message,
        notBefore,
      );
      logger?.error(
        `The ${this.name} channel did not take '${message.subject}' (${message.noticeKey}): ${detail}. It stays in the outbox; a run after ${notBefore} tries again.`,
      );
      return { status: 'waiting', error: detail };
    }
    await outbox.update({ ...record, status: 'sent', error: undefined, updatedAt: this.now() });
    await outbox.dropDeferred(message.idempotencyKey);
    return { status: 'sent' };
  }

  private async claimOrRead(message: ChannelMessage): Promise<SentMailRecord> {
    const { outbox } = this.options;
    const key = message.idempotencyKey;
    const existing = await outbox.get(key);
    if (existing) return existing;
    try {
      return await outbox.claim({
        key,
        status: 'sending',
        // The outbox's operation id is ACS's; a channel's own id is the notice key it posts.
        operationId: message.noticeKey,
        attempt: 1,
        to: [this.name],
        subject: message.subject,
        updatedAt: this.now(),
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const winner = await outbox.get(key);
      if (!winner) throw error;
      return winner;
    }
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private clockMs(): number {
    return this.options.clock.now().getTime();
  }
}
