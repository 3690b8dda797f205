/** An active grant that expired a minute before `now`, with its own direct assignment created in the emulator. */
import { MIE_ROLE, type Grant } from '../../lib/domain.js';
import type { GrantStore } from '../../lib/ports/index.js';
import type { RunningEmulator } from '../../emulator/server.js';

const HOUR = 3_600_000;

export interface Grantee {
  id: string;
  name: string;
  userPrincipalName: string;
}

export async function seedExpiredGrant(
  emulator: RunningEmulator,
  grants: GrantStore,
  user: Grantee,
  options: { id: string; guid: string; now: number; requestedBy: string; approvedBy: string; ticket: string },
): Promise<Grant> {
  const name = `MIE-Grant-${options.id}`;
  emulator.state.addAssignment({
    guid: options.guid,
    name,
    role: MIE_ROLE,
    assigneeType: 'User',
    assignee: user.id,
    delegationType: 'Regular',
    enabled: true,
  });
  const grant: Grant = {
    id: options.id,
    principal: user.userPrincipalName.toLowerCase(),
    principalName: user.name,
    principalId: user.id,
    role: MIE_ROLE,
    status: 'active',
    method: 'direct',
    requestedBy: options.requestedBy,
    requestedAt: new Date(options.now - 5 * HOUR).toISOString(),
    justification: 'PST export',
    ticket: options.ticket,
    durationMs: 4 * HOUR,
    approvedBy: options.approvedBy,
    activatedAt: new Date(options.now - 4 * HOUR - 60_000).toISOString(),
    expiresAt: new Date(options.now - 60_000).toISOString(),
    assignmentGuid: options.guid,
    assignmentName: name,
  };
  return grants.create(grant);
}
