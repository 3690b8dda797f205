/** What a revocation run planned and did, as the timer logs it and the CLI prints it. */
import type { GrantRevocation, MassRemovalBlock, Protection, UnapprovedRemoval } from './planRevocations.js';

export interface PlannedRemoval {
  /** 'leftover': the own assignment of a grant that is already closed (lib/revoke/reconcileGrantAssignments.ts). */
  kind: 'grant' | 'unapproved' | 'leftover';
  principal: string;
  reason: 'expired' | 'unapproved' | 'grant-closed';
  grantId?: string;
  assignmentGuid?: string;
  path: string;
}

export interface RemovalDone extends PlannedRemoval {
  outcome: 'removed' | 'absent';
  verifiedAt: string;
  /** Wall time of remove + read-back, Exchange retries included. */
  durationMs: number;
}

export interface RemovalFailed extends PlannedRemoval {
  error: string;
  attempts?: number;
}

export interface RevocationReport {
  at: string;
  dryRun: boolean;
  /** The audit the unapproved removals and the holder count come from. */
  auditTakenAt?: string;
  planned: PlannedRemoval[];
  blocked?: MassRemovalBlock;
  removed: RemovalDone[];
  failed: RemovalFailed[];
  /** Grants another writer changed during the run; the next run looks at them again. */
  skipped: { grantId: string; reason: string }[];
  protected: { principal: string; reason: Protection['reason']; detail: string }[];
  reminders: { grantId: string; principal: string; offset: string; expiresAt: string }[];
}

export function describeRemoval(removal: GrantRevocation | UnapprovedRemoval): PlannedRemoval {
  if (removal.kind === 'grant') {
    const g = removal.grant;
    const path =
      g.method === 'role-group'
        ? `member of role group ${g.roleGroup ?? ''}`
        : `assignment ${g.assignmentName ?? g.assignmentGuid ?? ''}`;
    return {
      kind: 'grant',
      principal: g.principal,
      reason: 'expired',
      grantId: g.id,
      assignmentGuid: g.method === 'direct' ? g.assignmentGuid : undefined,
      path,
    };
  }
  return {
    kind: 'unapproved',
    principal: removal.holder.principal,
    reason: 'unapproved',
    assignmentGuid: removal.assignment.guid,
    path: removal.holder.path,
  };
}
