import type { ChannelMessage } from './channel.js';

export interface EmailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The same key never sends twice, even across retried runs. */
  idempotencyKey: string;
}

export interface Mailer {
  /**
   * 'deferred': ACS throttled the send (or had just throttled another), so the message waits in the outbox and a
   * later sendDeferred sends it; 'duplicate': this key was sent, or is waiting, already.
   */
  send(message: EmailMessage): Promise<{ status: 'sent' | 'duplicate' | 'deferred'; messageId: string }>;
  /** Sends what earlier throttling deferred, oldest first, until ACS throttles again. */
  sendDeferred(): Promise<{ sent: EmailMessage[]; waiting: number }>;
}

/** Where the watchdog's email goes out and to whom (the WATCHDOG_EMAIL_* and recipient settings). */
export interface EmailSettings {
  connectionString?: string;
  endpoint?: string;
  sender: string;
  alertRecipients: string[];
  approverRecipients: string[];
}

/** The outbox row of one idempotency key: claimed ('sending') before the send, 'sent' once ACS confirms it. */
export interface SentMailRecord {
  key: string;
  status: 'sending' | 'sent' | 'failed' | 'deferred';
  /** ACS Operation-Id (a UUID derived from the key and attempt): a re-sent request reuses it. */
  operationId: string;
  attempt: number;
  /** Serialized ACS poller, so a restarted run polls the accepted send instead of sending again. */
  pollerState?: string;
  messageId?: string;
  error?: string;
  to: string[];
  subject: string;
  updatedAt: string;
  etag?: string;
}

/** What waits whole in the outbox: an email, or a notice rendered for another channel (lib/ports/channel.ts). */
export type OutboxMessage = EmailMessage | ChannelMessage;

export interface SentMailStore {
  get(key: string): Promise<SentMailRecord | undefined>;
  /** Creates the record; throws ConflictError when the key was claimed already. */
  claim(record: SentMailRecord): Promise<SentMailRecord>;
  /** Writes only if the ETag still matches; otherwise throws ConflictError. */
  update(record: SentMailRecord): Promise<SentMailRecord>;
  /** Keeps the message of a throttled send until `notBefore`, then marks its record deferred (ETag-guarded). */
  defer(record: SentMailRecord, message: OutboxMessage, notBefore: string): Promise<SentMailRecord>;
  /** Deferred messages, oldest first. */
  listDeferred(): Promise<DeferredMail[]>;
  /** Forgets a deferred message once it was sent. */
  dropDeferred(key: string): Promise<void>;
}

export interface DeferredMail {
  message: OutboxMessage;
  enqueuedAt: string;
  /** Order among messages deferred at the same instant. */
  seq: number;
  notBefore: string;
}
