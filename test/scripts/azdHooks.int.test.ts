/** The azd hooks: the Exchange step runs or is printed as one command; postdeploy shows the deployed doctor report. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudOf, exchangeStepCommand, postdeploy, postprovision, type HookDeps } from '../../scripts/azdHooks.js';
import { projectRoot } from '../support/cli.js';

function fakeDeps(
  programs: Record<string, (args: string[]) => { status: number | null; stdout?: string }>,
): HookDeps & { lines: string[]; calls: string[][] } {
  const lines: string[] = [];
  const calls: string[][] = [];
  return {
    lines,
    calls,
    out: (line) => void lines.push(line),
    run: (program, args) => {
      calls.push([program, ...args]);
      const r = programs[program]?.(args) ?? { status: null };
      return { status: r.status, stdout: r.stdout ?? '' };
    },
    fetch: (input, init) => fetch(input, init),
  };
}

describe('azd hooks (scripts/azdHooks.ts)', () => {
  it('azure.yaml runs them after provision and deploy', () => {
    const yaml = readFileSync(join(projectRoot, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/postprovision:[\s\S]*scripts\/azdHooks\.ts postprovision/);
    expect(yaml).toMatch(/postdeploy:[\s\S]*scripts\/azdHooks\.ts postdeploy/);
  });

  it('prints the one Exchange command, with the cloud of WATCHDOG_EXCHANGE_URL, when PowerShell 7 is not here', () => {
    const deps = fakeDeps({});
    postprovision({ WATCHDOG_EXCHANGE_URL: 'https://outlook.office365.us' }, deps);
    expect(deps.lines.join('\n')).toContain(
      '  pwsh scripts/permissions/Grant-WatchdogPermissions.ps1 -SkipGraph -Cloud USGovHigh',
    );
    expect(deps.calls).toHaveLength(1);
    expect(cloudOf(undefined)).toBe('Global');
    expect(exchangeStepCommand({})).toBe('pwsh scripts/permissions/Grant-WatchdogPermissions.ps1 -SkipGraph');
  });

  it('runs the Exchange step when PowerShell 7 has ExchangeOnlineManagement', () => {
    const deps = fakeDeps({ pwsh: () => ({ status: 0 }) });
    postprovision({}, deps);
    expect(deps.calls.at(-1)).toEqual([
      'pwsh',
      '-NoProfile',
      '-File',
      'scripts/permissions/Grant-WatchdogPermissions.ps1',
      '-SkipGraph',
    ]);
  });

  it('calls GET /api/doctor with the Azure CLI token and prints the report; without a token, the commands', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: false,
          tenant: 'contoso.onmicrosoft.com',
          checks: [{ name: 'Exchange Get-User', status: 'fail', detail: 'HTTP 401', fix: 'run the script' }],
        }),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const env = { WATCHDOG_FUNCTION_URL: url, WATCHDOG_API_SCOPE: 'api://t/mie-watchdog-x/access_as_user' };
      const withToken = fakeDeps({ az: () => ({ status: 0, stdout: 'tok123\n' }) });
      await postdeploy(env, withToken);
      expect(seen).toEqual(['GET /api/doctor Bearer tok123']);
      expect(withToken.lines.join('\n')).toMatch(/FAIL {2}Exchange Get-User: HTTP 401\n {6}fix: run the script/);
      const without = fakeDeps({ az: () => ({ status: 1 }) });
      await postdeploy(env, without);
      expect(without.lines.join('\n')).toContain(`az account get-access-token --scope ${env.WATCHDOG_API_SCOPE}`);
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
