/**
 * `doctor`: checks, live and read-only (one probe row excepted, removed again), everything the watchdog needs
 * to work, in the order an operator fixes them. ok only when every check passed.
 */
import type { Clock, DoctorProbes } from '../ports/index.js';
import { checkApiRegistration, checkApiTokens } from './apiChecks.js';
import { pass, type DoctorReport } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';
import { checkEmail } from './emailCheck.js';
import { checkExchange } from './exchangeChecks.js';
import { checkGraphPermissions } from './graphPermissionChecks.js';
import { checkStorage } from './storageCheck.js';

export interface DoctorDeps {
  config: DoctorSettings;
  probes: DoctorProbes;
  clock: Clock;
  /** The App Service environment (WEBSITE_AUTH_ENABLED), as the API's authenticator reads it. */
  platform: Partial<Record<string, string | undefined>>;
}

export async function runDoctor({ config, probes, clock, platform }: DoctorDeps): Promise<DoctorReport> {
  const settings = pass(
    'Settings',
    `valid for tenant ${config.tenant} (Exchange ${config.exchangeUrl}, Graph ${config.graphUrl}, credential ${config.credential}).`,
  );
  const [storage, graph, exchange, registration] = await Promise.all([
    checkStorage(config, probes),
    checkGraphPermissions(config, probes),
    checkExchange(config, probes),
    checkApiRegistration(config, probes),
  ]);
  const checks = [
    settings,
    storage,
    checkEmail(config),
    ...graph,
    ...exchange,
    checkApiTokens(config, probes.apiAuthenticatorProblems(clock, platform)),
    registration,
  ];
  return { ok: checks.every((c) => c.status === 'pass'), tenant: config.tenant, checks };
}
