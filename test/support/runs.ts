/** Helpers for the resilience tests: the audit on a test runtime, the stored snapshot, and duplicate emails. */
import { auditOptions } from '../../lib/runtime.js';
import { runAudit, type AuditResult } from '../../lib/audit/runAudit.js';
import type { Holder } from '../../lib/domain.js';
import type { TestRuntime } from './runtime.js';

export function audit(rt: TestRuntime): Promise<AuditResult> {
  return runAudit(rt, auditOptions(rt.config));
}

/** The holders of the current stored snapshot; undefined when none was ever committed. */
export async function storedHolders(rt: TestRuntime): Promise<Holder[] | undefined> {
  const state = await rt.store.snapshots.state();
  if (!state.version) return undefined;
  return (await rt.store.snapshots.load(state.version))?.holders;
}

/** Emails the emulator accepted more than once: the same recipients and subject, or the same operation id. */
export function duplicateEmails(rt: TestRuntime): string[] {
  const seen = new Map<string, number>();
  for (const e of rt.emulator.sentEmails()) {
    for (const key of [`op:${e.operationId}`, `msg:${[...e.to].sort().join(',')}|${e.subject}`])
      seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** Calls `run`, returning its error instead of throwing it. */
export async function outcome<T>(
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}
