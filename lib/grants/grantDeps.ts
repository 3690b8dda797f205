/** What the grant use cases need; a Runtime satisfies it as is. */
import type { Config } from '../config.js';
import type { Clock, Directory, ExchangeRbac, Logger, Mailer, Store } from '../ports/index.js';

export interface GrantDeps {
  config: Pick<Config, 'grants' | 'email'>;
  clock: Clock;
  logger: Logger;
  exchange: ExchangeRbac;
  directory: Directory;
  mailer: Mailer;
  store: Store;
}

/** Journal actor of the app itself. */
export const WATCHDOG_ACTOR = 'watchdog';
