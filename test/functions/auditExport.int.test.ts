import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { useProcessEnv } from '../support/processEnv.js';
import { azuriteConnectionString, uniquePrefix } from '../support/store.js';

const SETTINGS: Record<string, string> = {
  WATCHDOG_TENANT: 'contoso.onmicrosoft.com',
  WATCHDOG_EXCHANGE_URL: 'http://127.0.0.1:9',
  WATCHDOG_GRAPH_URL: 'http://127.0.0.1:9',
  WATCHDOG_CREDENTIAL: 'emulator',
  WATCHDOG_EMAIL_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9/;accesskey=ZGV2',
  WATCHDOG_EMAIL_SENDER: 'watchdog@contoso.onmicrosoft.com',
  WATCHDOG_ALERT_RECIPIENTS: 'secops@contoso.onmicrosoft.com',
  WATCHDOG_AUTH_MODE: 'easyauth',
  // What App Service sets when Authentication is enabled on the app.
  WEBSITE_AUTH_ENABLED: 'True',
};

describe('auditExport function', () => {
  useProcessEnv(() => ({
    ...SETTINGS,
    WATCHDOG_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
    WATCHDOG_TABLE_PREFIX: uniquePrefix(),
  }));

  it('is wired to settings, authentication and the evidence API', async () => {
    const { auditExport } = await import('../../functions/auditExport/index.js');
    const context = new InvocationContext({ functionName: 'auditExport' });
    const anonymous = await auditExport(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/evidence/verify' }),
      context,
    );
    expect(anonymous.status).toBe(401);
    const principal = Buffer.from(
      JSON.stringify({
        auth_typ: 'aad',
        claims: [
          { typ: 'upn', val: 'auditor@contoso.onmicrosoft.com' },
          {
            typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
            val: '5d2a7c1e-3b4f-4a6d-9e8f-0a1b2c3d4e5f',
          },
          { typ: 'roles', val: 'Audit.Read' },
        ],
      }),
    ).toString('base64');
    const response = await auditExport(
      new HttpRequest({
        method: 'GET',
        url: 'http://localhost/api/evidence/export?kind=holders&format=csv&bom=false',
        headers: { 'x-ms-client-principal': principal },
      }),
      context,
    );
    expect(response.status).toBe(200);
    expect(await new HttpResponse(response).text()).toMatch(/^principal,displayName,principalType,role,path,/);
  });
});
