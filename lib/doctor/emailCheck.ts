/**
 * The email sender. ACS Email offers no dry-run or validation request (every accepted send is delivered), so
 * this is configuration only: which resource, which sender, which recipients, and how the watchdog signs in.
 */
import { connectionStringEndpoint } from '../endpoints.js';
import { pass, type CheckResult } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';

export function checkEmail(config: DoctorSettings): CheckResult {
  const { email } = config;
  const endpoint =
    email.endpoint ?? (email.connectionString ? connectionStringEndpoint(email.connectionString, 'email') : undefined);
  const auth = email.endpoint
    ? 'the managed identity (needs the mie-watchdog email sender role, infra/modules/rbac.bicep)'
    : 'the connection string key';
  return pass(
    'Email sender (configuration only)',
    `sends as ${email.sender} through ${endpoint ?? '(no endpoint)'} with ${auth}; alerts to ${email.alertRecipients.join(', ')}, approvals to ${email.approverRecipients.join(', ')}. ACS has no dry-run send: the first alert proves delivery.`,
  );
}
