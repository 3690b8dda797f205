/** Step 4 of an audit run: the daily digest of what is open, once per UTC day from the configured hour. */
import type { Store } from '../ports/index.js';
import type { AuditProgress } from './auditProgress.js';
import { renderDigest } from './renderAlert.js';
import { sendAuditAlert, type AlertDeps, type SentAlert } from './sendAuditAlert.js';
import type { FindingsRun, StoredFindings } from './storeFindings.js';

type DigestDeps = AlertDeps & { store: Pick<Store, 'journal' | 'findings'> };

/** Sends the digest when anything is open, then records the day as done (which completes the intent). */
export async function sendDigest(
  deps: DigestDeps,
  options: { tenant: string; alertRecipients: string[] },
  run: FindingsRun,
  stored: StoredFindings,
  progress: AuditProgress,
): Promise<SentAlert[]> {
  const { findings } = deps.store;
  const day = run.at.slice(0, 10);
  const [open, breakGlass] = await Promise.all([
    stored.after?.open ?? findings.listOpen(),
    stored.after?.breakGlass ?? findings.listBreakGlass(),
  ]);
  const emails: SentAlert[] = [];
  if (open.length || breakGlass.length) {
    progress.plan('digest', `the daily digest email of ${day}`);
    const notice = renderDigest({ tenant: options.tenant, at: run.at, open, breakGlass, lastSuccessAt: run.at });
    const keySource = `digest|${options.tenant}|${day}`;
    emails.push(await sendAuditAlert(deps, options.alertRecipients, notice, keySource, run.state.pendingJournalSeq));
    progress.done('digest', `the daily digest email of ${day} (sent)`);
  }
  progress.plan('digest-day', `the record that the digest of ${day} is done`);
  await findings.saveState({
    ...stored.state,
    snapshotVersion: run.snapshotVersion,
    lastDigestDay: day,
    pendingJournalSeq: undefined,
  });
  progress.done('digest-day', `the record that the digest of ${day} is done`);
  return emails;
}
