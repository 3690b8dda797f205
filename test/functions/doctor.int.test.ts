/** GET /api/doctor through the registered function: Audit.Read only, the report as JSON, 503 when a check fails. */
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../lib/doctor/doctorCheck.js';
import { easyAuthPrincipal } from '../../testkit/fixtures.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';
import { useProcessEnv } from '../support/processEnv.js';

describe('doctor function', () => {
  const emulator = useEmulator({ resetEach: false });
  // App Service Authentication in front of the app (what it sets when enabled) identifies the caller here.
  useProcessEnv(() => ({
    ...(emulatorEnv(emulator(), { WATCHDOG_AUTH_MODE: 'easyauth' }) as Record<string, string>),
    WEBSITE_AUTH_ENABLED: 'True',
  }));

  it('answers 401 without an identity, 403 without Audit.Read, and the passing report with it', async () => {
    const { doctor } = await import('../../functions/doctor/index.js');
    const context = new InvocationContext({ functionName: 'doctor' });
    /** GET /api/doctor, as a caller with `roles` when there are any (App Service Authentication's principal). */
    const get = (roles?: string[]) =>
      doctor(
        new HttpRequest({
          method: 'GET',
          url: 'http://localhost/api/doctor',
          headers: roles
            ? { 'x-ms-client-principal': easyAuthPrincipal(roles, { tenantId: emulator().state.tenantId }) }
            : {},
        }),
        context,
      );
    expect((await get()).status).toBe(401);
    expect((await get(['Grant.Request'])).status).toBe(403);
    const ok = await get(['Audit.Read']);
    const report = (await new HttpResponse(ok).json()) as DoctorReport;
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(ok.status).toBe(200);

    emulator().state.withdrawCallerAppRole('00000003-0000-0000-c000-000000000000', 'RoleManagement.Read.Directory');
    const failing = await get(['Audit.Read']);
    expect(failing.status).toBe(503);
    const after = (await new HttpResponse(failing).json()) as DoctorReport;
    expect(after.checks.filter((c) => c.status !== 'pass').map((c) => c.name)).toEqual([
      'Graph RoleManagement.Read.Directory',
    ]);
  });
});
