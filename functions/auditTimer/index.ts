/** Timer trigger of the audit: snapshot -> store -> diff -> alert (lib/audit), on WATCHDOG_AUDIT_SCHEDULE. */
import { app } from '@azure/functions';
import { createAuditTimerHandler } from '../../lib/triggers/auditTimerHandler.js';
import { loadConfig } from '../../lib/config.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';

// The schedule is part of the registration, so settings are read when the host loads the function.
const config = loadConfig(process.env, { api: true });
let runtime: Runtime | undefined;

export const auditTimer = createAuditTimerHandler(() => (runtime ??= createRuntime(config)));

app.timer('auditTimer', { schedule: config.schedules.audit, handler: auditTimer });
