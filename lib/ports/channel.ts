/**
 * The channels besides email a notice goes to: a Teams Workflows webhook, a signed generic webhook and Azure
 * Monitor Logs (Logs Ingestion API). Each delivers through the same outbox as email, under the notice's key per
 * channel: delivered once, kept with its error when the channel refuses it, delivered by a later run when the
 * run that raised it died or the channel was down.
 */
import type { OutboxMessage } from './mail.js';

export type ChannelName = 'teams' | 'webhook' | 'logs';

/** One notice rendered for one channel. */
export interface ChannelMessage {
  channel: ChannelName;
  /** `<channel>|<notice key>`: the outbox row of this delivery. */
  idempotencyKey: string;
  /** The notice's key: what receivers deduplicate on (the webhook's event id, the log row's EventId). */
  noticeKey: string;
  /** The notice's subject line, for logs and the run report. */
  subject: string;
  /** The request body exactly as the channel receives it (JSON text). */
  body: string;
}

/** 'waiting': not delivered yet (the channel failed or refused it); it stays in the outbox with `error`. */
export interface ChannelDelivery {
  status: 'sent' | 'duplicate' | 'waiting';
  error?: string;
}

export interface ChannelOutboxResult {
  channel: ChannelName;
  sent: number;
  /** Still in the outbox after this pass: due later, or failed again (`errors`). */
  waiting: number;
  errors: string[];
}

export interface NoticeChannel {
  readonly name: ChannelName;
  /** Delivers one message unless its key was delivered already; never throws for the channel's own failures. */
  deliver(message: ChannelMessage): Promise<ChannelDelivery>;
  /** Delivers what waits in the outbox for this channel (failed, or left by a run that died), when due. */
  deliverWaiting(): Promise<ChannelOutboxResult>;
}

/** A channel delivery waiting in the outbox, as opposed to an email. */
export function isChannelMessage(message: OutboxMessage): message is ChannelMessage {
  return 'channel' in message;
}
