/** What every route handler of one running emulator shares. */
import type { CallLog } from './callLog.js';
import type { ChannelState } from './channels/channelState.js';
import type { ExchangeBehaviour } from './exchange/behaviour.js';
import type { SentEmail } from './email/route.js';
import type { EmailSendWindow } from './email/sendLimits.js';
import type { Faults } from './faults.js';
import type { LoginState } from './login/route.js';
import type { PageCache } from './pageCache.js';
import type { TenantState } from './tenantState.js';

export interface EmulatorContext {
  state: TenantState;
  faults: Faults;
  calls: CallLog;
  pages: PageCache;
  /** e.g. http://127.0.0.1:51234 (no trailing slash). */
  baseUrl: string;
  /** Exchange admin API hazards and wire variants in force (live: tests and the control route change it). */
  exchange: ExchangeBehaviour;
  /** Forced largest page for every paged answer (undefined = the services' own limits). */
  pageSize?: number;
  /** ACS: the access key (base64) HMAC-signed requests must be signed with. */
  emailAccessKey: string;
  /** The tenant as an OpenID Connect provider: its signing key and the authorization codes not yet redeemed. */
  login: LoginState;
  /** What the Teams, webhook and Logs Ingestion endpoints received, and the rules Logs Ingestion serves. */
  channels: ChannelState;
  email: {
    sent: SentEmail[];
    operations: Map<string, { status: 'Running' | 'Succeeded'; polls: number; email: SentEmail }>;
    /** Polls that still answer Running before the operation succeeds. */
    pollsUntilDone: number;
    /** The send rate limits and the sends they count. */
    window: EmailSendWindow;
  };
}
