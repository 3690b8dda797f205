/** What the grant use cases need; a Runtime satisfies it as is. */
import type { Clock, Directory, ExchangeRbac, Logger, Mailer, Store } from '../ports/index.js';
import type { NotifyDeps } from '../notify/sendNotice.js';
import type { DecisionChannels } from './policy/decisionChannel.js';
import type { DurationBounds } from './policy/durationBounds.js';
import type { RequestTtl } from './policy/requestExpiry.js';

/** The settings the grant use cases read: duration bounds, how long a request waits, the grant role group, who approves. */
export interface GrantSettings {
  grants: DurationBounds & DecisionChannels & RequestTtl & { roleGroup?: string };
  email: { approverRecipients: string[]; alertRecipients: string[] };
}

export interface GrantDeps {
  config: GrantSettings;
  clock: Clock;
  logger: Logger;
  exchange: ExchangeRbac;
  directory: Directory;
  mailer: Mailer;
  store: Store;
  notify?: NotifyDeps;
}

/** Journal actor of the app itself. */
export const WATCHDOG_ACTOR = 'watchdog';
