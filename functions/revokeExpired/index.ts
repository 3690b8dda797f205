/** Timer trigger of revocation: activate due grants, remove expired ones, verify, notify (lib/revoke), on WATCHDOG_REVOKE_SCHEDULE. */
import { app } from '@azure/functions';
import { loadConfig } from '../../lib/config.js';
import { createRevokeTimerHandler } from '../../lib/triggers/revokeTimerHandler.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';

// The schedule is part of the registration, so settings are read when the host loads the function.
const config = loadConfig(process.env, { api: true });
let runtime: Runtime | undefined;

export const revokeExpired = createRevokeTimerHandler(() => (runtime ??= createRuntime(config)));

app.timer('revokeExpired', { schedule: config.schedules.revoke, handler: revokeExpired });
