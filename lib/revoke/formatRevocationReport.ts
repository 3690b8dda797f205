/** The revocation run as a few readable lines (the CLI without --json, and the demo). */
import type { RevocationReport } from './revocationReport.js';

export function formatRevocationReport(report: RevocationReport): string[] {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would remove' : 'removing';
  lines.push(
    `Revocation run at ${report.at}${report.dryRun ? ' (dry run: nothing changed)' : ''}: ${report.planned.length} to remove.`,
  );
  if (report.blocked)
    lines.push(
      `  STOPPED by the mass-removal guard: ${report.blocked.reason}. Nothing was removed; the security team was alerted.`,
    );
  if (report.dryRun || report.blocked)
    for (const p of report.planned)
      lines.push(`  ${verb} ${p.principal}: ${p.path} (${p.reason}${p.grantId ? `, grant ${p.grantId}` : ''})`);
  for (const r of report.removed) {
    const what = r.outcome === 'removed' ? 'removed' : 'already gone';
    lines.push(
      `  ${r.principal}: ${r.path} ${what}, verified gone at ${r.verifiedAt} (${r.durationMs} ms)${r.grantId ? ` [grant ${r.grantId}, ${r.reason}]` : ' [unapproved]'}`,
    );
  }
  for (const f of report.failed)
    lines.push(`  FAILED ${f.principal}: ${f.path}${f.attempts ? ` (attempt ${f.attempts})` : ''}: ${f.error}`);
  for (const s of report.skipped) lines.push(`  skipped grant ${s.grantId}: ${s.reason}`);
  for (const p of report.protected) lines.push(`  left alone ${p.principal} (${p.reason}): ${p.detail}`);
  for (const r of report.reminders)
    lines.push(`  reminder ${r.offset} before expiry to ${r.principal} (grant ${r.grantId}, expires ${r.expiresAt})`);
  return lines;
}
