import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrant } from '../../../cli/grant.js';
import { holdersCommand } from '../../../cli/holders.js';
import { createAuthenticator } from '../../../lib/auth/authenticator.js';
import type { Grant } from '../../../lib/domain.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { upn } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';
import { grantRequestArgs } from '../../support/cliFlags.js';
import { audit } from '../../support/runs.js';
import { TEST_TENANT_ID } from '../../support/tokens.js';

let api: GrantApi;
beforeAll(async () => {
  api = await startGrantApi({ start: '2026-11-03T10:00:00Z' });
});
afterAll(() => api.stop());

const evidence = () =>
  createEvidenceHttpHandler({
    deps: () => ({
      journalRows: api.runtime.store.journalRows,
      grants: api.runtime.store.grants,
      usage: api.runtime.store.usage,
      anchors: api.runtime.anchors,
      clock: api.clock,
    }),
    authenticate: createAuthenticator(api.runtime.config.auth, api.clock),
  });

async function holdersOverHttp(at: string): Promise<Record<string, unknown>> {
  const request = new HttpRequest({
    method: 'GET',
    url: `http://localhost:7071/api/evidence/holders?at=${encodeURIComponent(at)}`,
    headers: { authorization: `Bearer ${await api.issuer.token(USERS.auditor)}` },
  });
  const response = await evidence()(
    request,
    new InvocationContext({ invocationId: randomUUID(), logHandler: () => undefined }),
  );
  expect(response.status).toBe(200);
  return JSON.parse(response.body as string) as Record<string, unknown>;
}

const seconds = (n: number) => api.clock.advance(n * 1000);

describe('holders at T include the grants no audit saw (emulator, Azurite)', () => {
  it('a 16-second grant between two audits holds the role at T, from its own events, with the approver verified by token', async () => {
    await audit(api.runtime);
    seconds(60);
    const requested = await api.call('POST', '', { as: USERS.megan, body: requestBody() });
    expect(requested.status).toBe(201);
    const id = (requested.body as unknown as Grant).id;
    const approved = await api.call('POST', `/${id}/approve`, { as: USERS.lidia });
    expect(approved.status).toBe(200);
    const activatedAt = api.clock.now().toISOString();
    seconds(8);
    const during = api.clock.now().toISOString();
    seconds(8);
    const released = await api.call('POST', `/${id}/release`, { as: USERS.megan, body: { reason: 'done early' } });
    expect(released.status).toBe(200);
    seconds(60);
    await audit(api.runtime);
    expect(api.clock.now().getTime() - Date.parse(activatedAt)).toBe(76_000);

    const io = captureIo();
    expect(await holdersCommand(['--at', during, '--json'], io, api.runtime.store)).toBe(0);
    const answer = JSON.parse(io.stdout) as { recorded: boolean; holders: Record<string, unknown>[] };
    const adele = answer.holders.filter((h) => (h.holder as { principal: string }).principal === upn('adelev'));
    expect(adele).toEqual([
      expect.objectContaining({
        source: 'grant',
        grantId: id,
        since: activatedAt,
        holder: expect.objectContaining({ path: `direct assignment of grant ${id}`, scope: 'Organization' }),
      }),
    ]);
    const text = captureIo();
    expect(await holdersCommand(['--at', during], text, api.runtime.store)).toBe(0);
    expect(text.stdout).toContain(`from grant ${id} (the watchdog's own events; no audit saw it)`);

    const overHttp = await holdersOverHttp(during);
    expect(overHttp.holders).toEqual(answer.holders);
    // Once released (verified), the grant no longer holds the role.
    const after = await holdersOverHttp(new Date(Date.parse(during) + 9_000).toISOString());
    expect((after.holders as { grantId?: string }[]).some((h) => h.grantId === id)).toBe(false);

    const entries = await api.journal();
    const approval = entries.find((e) => e.type === 'grant.approved' && e.subject === id);
    expect(approval?.type === 'grant.approved' && approval.data.channel).toEqual({
      kind: 'api',
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tid: TEST_TENANT_ID,
      issuer: `https://login.microsoftonline.com/${TEST_TENANT_ID}/v2.0`,
      appId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(entries.find((e) => e.type === 'grant.released')?.data.channel).toMatchObject({ kind: 'api' });
  });

  it('a CLI approval is journaled as operator-asserted, and WATCHDOG_CLI_DECISIONS=deny refuses it before anything is written', async () => {
    const cli = async (args: string[], cliDecisions: 'allow' | 'deny') => {
      const io = captureIo();
      const deps = {
        ...api.runtime,
        config: { ...api.runtime.config, grants: { ...api.runtime.config.grants, cliDecisions } },
      };
      return { code: await runGrant(args, io, () => deps), io };
    };
    const request = [
      ...grantRequestArgs({
        principal: upn('isaiahl'),
        duration: 'PT2H',
        justification: 'restore deleted items',
        ticket: 'CHG-3001',
      }),
      '--json',
    ];
    const made = await cli(request, 'deny');
    expect(made.code, made.io.stderr).toBe(0);
    const id = (JSON.parse(made.io.stdout) as { grant: Grant }).grant.id;
    const before = (await api.journal()).length;

    const refused = await cli(['approve', id, '--approver', upn('lidiah')], 'deny');
    expect(refused.code).toBe(1);
    expect(refused.io.stderr).toContain('WATCHDOG_CLI_DECISIONS=deny');
    expect((await api.grant(id))?.status).toBe('pending');
    expect((await api.journal()).length).toBe(before);

    const ok = await cli(['approve', id, '--approver', upn('lidiah')], 'allow');
    expect(ok.code, ok.io.stderr).toBe(0);
    const approval = (await api.journal()).find((e) => e.type === 'grant.approved' && e.subject === id);
    expect(approval?.type === 'grant.approved' && approval.data.channel).toEqual({
      kind: 'cli',
      osUser: userInfo().username,
      host: hostname(),
      operatorAsserted: true,
    });
  });
});
