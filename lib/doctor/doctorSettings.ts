/** The settings doctor reports on and checks with (the composition root's Config carries them all). */
import type { ApiAuthSettings, EmailSettings } from '../ports/index.js';

export interface DoctorSettings {
  tenant: string;
  exchangeUrl: string;
  graphUrl: string;
  /** How the watchdog signs in (WATCHDOG_CREDENTIAL). */
  credential: string;
  /** Client id of the watchdog's identity, looked up in Entra ID and Exchange. */
  identityClientId?: string;
  /** Purview audit log queries are on: their Graph permission is checked too. */
  auditLogQuery: boolean;
  storage: { connectionString?: string; tableEndpoint?: string };
  email: EmailSettings;
  auth: ApiAuthSettings;
}
