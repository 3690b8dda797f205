/** The audit job's options from the settings. */
import type { Config } from '../config.js';
import type { AuditOptions } from './runAudit.js';

export function auditOptions(config: Config): AuditOptions {
  return {
    tenant: config.tenant,
    alertRecipients: config.email.alertRecipients,
    breakGlass: config.breakGlass,
    digestHourUtc: config.digestHourUtc,
    auditLogQuery: config.auditLogQuery,
  };
}
