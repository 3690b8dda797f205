/**
 * `mie-watchdog demo` (= `npm start`): the whole cycle on the embedded default, in under a minute and
 * with no cloud. Azurite and the tenant emulator ("forgotten-migrations") start on loopback; the real
 * jobs run against them with a ManualClock that the demo steps through a grant's life:
^ * doctor (every check must pass) -> first audit and its drift alert -> grant requested and approved -> reminder -> expiry, removal and
 * read-back -> the next audit confirms it stays gone. Every email is saved as .eml and .html; every notice also goes to
 * the emulator's Teams webhook, webhook receiver and Logs Ingestion endpoint, saved under teams/, webhook/ and logs/.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { auditOptions, createRuntime } from '../../lib/runtime.js';
import { runAudit, type AuditResult } from '../../lib/audit/runAudit.js';
import type { Caller } from '../../lib/caller.js';
import { ManualClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { approveGrant } from '../../lib/grants/approveGrant.js';
import { requestGrant } from '../../lib/grants/requestGrant.js';
import { startAzurite } from '../local/azurite.js';
import { localEnv } from '../local/localEnv.js';
import { createDoctorProbes } from '../../lib/doctorProbes.js';
import { runDoctor } from '../../lib/doctor/runDoctor.js';
import type { Logger } from '../../lib/ports/index.js';
import { runRevokeSchedule } from '../../lib/revoke/runRevokeSchedule.js';
import { startEmulator } from '../../emulator/server.js';
import { saveChannelOutput } from './channelFiles.js';
import { saveEmails } from './emailFiles.js';

export interface DemoOptions {
  outDir: string;
  out: (line: string) => void;
}

export interface DemoResult {
  ok: boolean;
  outDir: string;
  emails: string[];
  wallMs: number;
  /** Wall time of the grant's removal and read-back. */
  revocationMs?: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The longest time Exchange Online takes to apply a role change; the emulator models it. */
const PROPAGATION_MS = 60 * MINUTE;

/** Thrown when a step does not end as the demo expects: the demo then exits non-zero and says which. */
class DemoStepError extends Error {}

function expectStep(condition: boolean, message: string): void {
  if (!condition) throw new DemoStepError(message);
}

function person(local: string, tenant: string, role: Caller['roles'][number]): Caller {
  return { upn: `${local}@${tenant}`, roles: [role] };
}

function auditLine(result: AuditResult): string {
  const kinds = new Map<string, number>();
  for (const f of result.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  return `${result.holders.length} holders, findings: ${byKind}; break-glass holding the role: ${result.breakGlass.map((h) => h.principal).join(', ') || 'none'}`;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const { out } = options;
  const section = (title: string) => {
    out('');
    out(title);
  };
  const outDir = resolve(options.outDir);
  const warnings: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: (m) => void warnings.push(m),
    error: (m) => void warnings.push(m),
  };
  // The clock only moves when the demo says so. It starts at 09:00 UTC today and the digest hour is
  // noon, so every run tells the same story: the daily digest goes out with the last audit.
  const clock = new ManualClock(`${new Date().toISOString().slice(0, 10)}T09:00:00.000Z`);

  out('mie-watchdog demo: the embedded default (Azurite + tenant emulator "forgotten-migrations"), no cloud involved.');
  const azurite = await startAzurite();
  const emulator = await startEmulator({ scenario: 'forgotten-migrations', clock, propagationDelayMs: PROPAGATION_MS });
  let revocationMs: number | undefined;
  try {
    const config = loadConfig(
      localEnv({
        emulator,
        storageConnectionString: azurite.connectionString,
        channels: true,
        overrides: { WATCHDOG_DIGEST_HOUR: '12' },
      }),
    );
    const demoPrefix = `demo${randomBytes(3).toString('hex')}`;
    const runtime = createRuntime(config, { clock, logger, tablePrefix: demoPrefix, mail: { pollIntervalMs: 5 } });
    const tenant = config.tenant;
    const adele = `adelev@${tenant}`;
    out(
      `Tenant ${tenant} on ${emulator.url}; break-glass: ${config.breakGlass.join(', ')}; security team: ${config.email.alertRecipients.join(', ')}.`,
    );

    const checkup = await runDoctor({
      config,
      probes: createDoctorProbes(config, { tablePrefix: demoPrefix }),
      clock,
      platform: {},
    });
    section(
      `0. ${clock.now().toISOString()}  doctor: ${checkup.checks.filter((c) => c.status === 'pass').length} of ${checkup.checks.length} checks pass`,
    );
    for (const c of checkup.checks.filter((x) => x.status !== 'pass'))
      out(`   ${c.status.toUpperCase()} ${c.name}: ${c.detail}`);
    expectStep(checkup.ok, 'doctor should pass on the emulated tenant');

    section(`1. ${clock.now().toISOString()}  First audit`);
    const first = await runAudit(runtime, auditOptions(config));
    out(`   ${auditLine(first)}`);
    for (const h of first.holders) out(`     ${h.principal.padEnd(44)} ${h.path}${h.enabled ? '' : ' (disabled)'}`);
    for (const e of first.emails) out(`   Email (${e.kind}, ${e.status}): ${e.subject}`);
    expectStep(
      first.findings.length > 0 && first.emails.some((e) => e.kind === 'drift'),
      'the first audit should find the forgotten holders and send a drift alert',
    );

    section(
      `2. ${clock.now().toISOString()}  meganb requests Mailbox Import Export for adelev (4 hours); lidiah approves`,
    );
    const requested = await requestGrant(runtime, person('meganb', tenant, 'Grant.Request'), {
      principal: adele,
      durationMs: 4 * HOUR,
      justification: 'Import the Fabrikam archive PSTs into the project mailboxes (case LH-2211)',
      ticket: 'CHG-4711',
    });
    const active = await approveGrant(runtime, person('lidiah', tenant, 'Grant.Approve'), requested.id);
    expectStep(
      active.status === 'active' && !!active.assignmentGuid,
      `grant ${requested.id} should be active after approval, is ${active.status}`,
    );
    out(
      `   Grant ${active.id}: ${active.status}, assignment ${active.assignmentName} (${active.assignmentGuid}), expires ${active.expiresAt}.`,
    );
    out(
      `   Exchange applies it within up to 60 minutes: adelev can export now? ${emulator.state.canExport(adele) ? 'yes' : 'not yet'}.`,
    );

    clock.advance(PROPAGATION_MS);
    const during = await runAudit(runtime, auditOptions(config));
    section(
      `3. ${clock.now().toISOString()}  Audit while the grant is active (adelev can export now? ${emulator.state.canExport(adele) ? 'yes' : 'no'})`,
    );
    out(
      `   ${auditLine(during)}; adelev is covered by the grant: ${during.findings.some((f) => f.principal === adele) ? 'NO' : 'yes'}.`,
    );

    clock.advance(2 * HOUR);
    const reminderRun = await runRevokeSchedule(runtime);
    section(`4. ${clock.now().toISOString()}  Revocation timer, 1 hour before expiry`);
    for (const r of reminderRun.revocation.reminders)
      out(`   Reminder (${r.offset} before expiry) to ${r.principal} and the requester.`);
    expectStep(reminderRun.revocation.reminders.length === 1, 'the 1-hour reminder should be due');

    clock.set(active.expiresAt ?? clock.now());
    const revokeRun = await runRevokeSchedule(runtime);
    const removed = revokeRun.revocation.removed.find((r) => r.grantId === active.id);
    section(`5. ${clock.now().toISOString()}  Revocation timer at expiry`);
    expectStep(
      removed !== undefined,
      `grant ${active.id} should be removed at expiry: ${JSON.stringify(revokeRun.revocation.failed)}`,
    );
    revocationMs = removed?.durationMs;
    const stored = await runtime.store.grants.get(active.id);
    out(
      `   ${removed?.path} ${removed?.outcome}; read back at ${removed?.verifiedAt}: gone (remove + verify took ${revocationMs} ms).`,
    );
    out(`   Grant ${active.id}: ${stored?.status}, revocation verified at ${stored?.revocation?.verifiedAt}.`);
    out(
      `   Permission cache: adelev can still export right after removal? ${emulator.state.canExport(adele) ? 'yes (up to 60 minutes, as the email says)' : 'no'}.`,
    );
    expectStep(stored?.status === 'revoked', `grant ${active.id} should be revoked, is ${stored?.status}`);

    clock.advance(PROPAGATION_MS);
    const after = await runAudit(runtime, auditOptions(config));
    section(
      `6. ${clock.now().toISOString()}  Next audit confirms it stays gone (adelev can export? ${emulator.state.canExport(adele) ? 'YES' : 'no'})`,
    );
    out(
      `   ${auditLine(after)}; adelev holds the role: ${after.holders.some((h) => h.principal === adele) ? 'YES' : 'no'}.`,
    );
    expectStep(!after.holders.some((h) => h.principal === adele), 'adelev should not hold the role after revocation');

    const sent = emulator.sentEmails().map((e) => ({
      id: e.operationId,
      at: e.at,
      from: e.from,
      to: e.to,
      subject: e.subject,
      text: e.text,
      html: e.html,
    }));
    const files = await saveEmails(outDir, sent);
    section(`Emails sent (${files.length}), each saved as .eml and .html:`);
    for (const [i, e] of sent.entries()) out(`   ${files[i]}  to ${e.to.join(', ')}`);
    const { channels } = emulator;
    const output = { teams: channels.teams(), webhook: channels.webhook(), logs: channels.logs() };
    const saved = await saveChannelOutput(outDir, output);
    const rows = output.logs.reduce((n, u) => n + u.rows.length, 0);
    section('The same notices on the other channels (the emulator received them):');
    out(`   teams/    ${saved.teams} Adaptive Card message(s)`);
    out(`   webhook/  ${saved.webhook} signed event(s), ${output.webhook.filter((d) => d.verified).length} verified`);
    out(`   logs/     ${saved.logs} Logs Ingestion upload(s), ${rows} row(s)`);
    const refused = [...output.teams, ...output.webhook, ...output.logs].filter((r) => r.status >= 300);
    expectStep(
      refused.length === 0,
      `every channel should take every notice: ${refused.map((r) => r.problem).join('; ')}`,
    );
    const wallMs = Math.round(performance.now() - started);
    section(`Done in ${(wallMs / 1000).toFixed(1)} s. Output folder: ${outDir}`);
    if (warnings.length) out(`(${warnings.length} warning(s) from the clients, e.g. ${warnings[0]})`);
    return { ok: true, outDir, emails: files, wallMs, revocationMs };
  } catch (error) {
    if (!(error instanceof DemoStepError)) throw error;
    section(`Demo step failed: ${error.message}`);
    return { ok: false, outDir, emails: [], wallMs: Math.round(performance.now() - started), revocationMs };
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}
