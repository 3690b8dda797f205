/**
 * azd hooks (azure.yaml). The environment is the azd environment: the infra/main.bicep outputs among it.
 *
 *   postprovision  the Exchange step Bicep cannot do (service principal pointer, trimmed role group, delegating
 *                  assignment): run when PowerShell 7 with ExchangeOnlineManagement is here, else the one
 *                  command to run is printed.
 *   postdeploy     GET /api/doctor of the deployed app with the deploying user's token (Audit.Read) from the
 *                  Azure CLI, and its report; without a token, the commands that get one and call it.
 *
 * Neither fails the deployment: Exchange applies RBAC within up to an hour, so doctor may rightly fail at first.
 *
 * Usage: node bin/run-ts.js scripts/azdHooks.ts postprovision|postdeploy
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatDoctor } from '../cli/doctor.js';
import type { DoctorReport } from '../lib/doctor/doctorCheck.js';

type Env = Partial<Record<string, string | undefined>>;

/** docs/deployment.md "National clouds": the -Cloud of the permissions script for each WATCHDOG_EXCHANGE_URL. */
const CLOUDS: Record<string, string> = {
  'outlook.office365.com': 'Global',
  'outlook.office365.us': 'USGovHigh',
  'webmail.apps.mil': 'USGovDoD',
  'partner.outlook.cn': 'China',
};

export function cloudOf(exchangeUrl: string | undefined): string {
  if (!exchangeUrl) return 'Global';
  try {
    return CLOUDS[new URL(exchangeUrl).hostname.toLowerCase()] ?? 'Global';
  } catch {
    return 'Global';
  }
}

/** The Exchange step as one command; the script reads the tenant and the identity's ids from the azd environment. */
export function exchangeStepArgs(env: Env): string[] {
  const args = ['-NoProfile', '-File', 'scripts/permissions/Grant-WatchdogPermissions.ps1', '-SkipGraph'];
  const cloud = cloudOf(env.WATCHDOG_EXCHANGE_URL);
  if (cloud !== 'Global') args.push('-Cloud', cloud);
  return args;
}

export function exchangeStepCommand(env: Env): string {
  return ['pwsh', ...exchangeStepArgs(env).filter((a) => a !== '-NoProfile' && a !== '-File')].join(' ');
}

export interface HookDeps {
  out(line: string): void;
  /** Runs a program; status null when it could not be started (not installed). */
  run(program: string, args: string[], options?: { inherit?: boolean }): { status: number | null; stdout: string };
  fetch: typeof fetch;
}

export const processDeps: HookDeps = {
  out: (line) => process.stdout.write(`${line}\n`),
  run: (program, args, options) => {
    const r = spawnSync(program, args, {
      encoding: 'utf8',
      stdio: options?.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    return { status: r.error ? null : r.status, stdout: r.stdout ?? '' };
  },
  fetch: (input, init) => fetch(input, init),
};

export function postprovision(env: Env, deps: HookDeps): void {
  const command = exchangeStepCommand(env);
  const probe = deps.run('pwsh', [
    '-NoProfile',
    '-Command',
    'if (Get-Module -ListAvailable -Name ExchangeOnlineManagement) { exit 0 } else { exit 3 }',
  ]);
  if (probe.status !== 0) {
    deps.out(
      'The Exchange step (Exchange RBAC for the watchdog identity) is left to do: it needs PowerShell 7 with the',
    );
    deps.out('ExchangeOnlineManagement module and an Exchange Organization Management member. Run, from this folder:');
    deps.out(`  ${command}`);
    return;
  }
  deps.out(`Exchange step: ${command}`);
  const run = deps.run('pwsh', exchangeStepArgs(env), { inherit: true });
  if (run.status !== 0)
    deps.out(`The Exchange step did not finish (exit ${run.status}); fix what it said and run it again: ${command}`);
}

export async function postdeploy(env: Env, deps: HookDeps): Promise<void> {
  const url = env.WATCHDOG_FUNCTION_URL;
  const scope = env.WATCHDOG_API_SCOPE;
  if (!url || !scope) {
    deps.out(
      'doctor: WATCHDOG_FUNCTION_URL or WATCHDOG_API_SCOPE is not in the azd environment; run azd provision first.',
    );
    return;
  }
  const manual = [
    `  token=$(az account get-access-token --scope ${scope} --query accessToken -o tsv)`,
    `  curl -sS -H "Authorization: Bearer $token" ${url}/api/doctor`,
  ];
  const token = deps.run('az', [
    'account',
    'get-access-token',
    '--scope',
    scope,
    '--query',
    'accessToken',
    '-o',
    'tsv',
  ]);
  if (token.status !== 0 || !token.stdout.trim()) {
    deps.out('doctor: no token for the watchdog API from the Azure CLI (az login, and the app role Audit.Read). Run:');
    for (const line of manual) deps.out(line);
    return;
  }
  try {
    const response = await deps.fetch(`${url}/api/doctor`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    const body = await response.text();
    if (response.status !== 200 && response.status !== 503) {
      deps.out(`doctor: GET ${url}/api/doctor answered HTTP ${response.status}: ${body.slice(0, 500)}`);
      return;
    }
    deps.out(formatDoctor(JSON.parse(body) as DoctorReport));
    if (response.status === 503)
      deps.out(
        'Exchange applies RBAC changes within up to 60 minutes: run doctor again later (commands in docs/deployment.md, "Deploy").',
      );
  } catch (error) {
    deps.out(
      `doctor: could not call ${url}/api/doctor (${error instanceof Error ? error.message : String(error)}). Run:`,
    );
    for (const line of manual) deps.out(line);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const hook = process.argv[2];
  if (hook === 'postprovision') postprovision(process.env, processDeps);
  else if (hook === 'postdeploy') await postdeploy(process.env, processDeps);
  else {
    process.stderr.write('usage: run-ts.js scripts/azdHooks.ts postprovision|postdeploy\n');
    process.exitCode = 2;
  }
}
