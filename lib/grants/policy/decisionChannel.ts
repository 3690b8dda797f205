/**
 * Four eyes need two verified people. A decision made on the command line names its approver in free text
 * (the operator runs with the app's own credentials), so the policy can require the HTTP API for approvals.
 */
import type { Caller } from '../../caller.js';
import { GrantPolicyError } from '../grantErrors.js';

export interface DecisionChannels {
  /** `deny`: approve, deny and adopt refuse a caller on the `cli` channel (WATCHDOG_CLI_DECISIONS). */
  cliDecisions: 'allow' | 'deny';
}

export function checkDecisionChannel(caller: Caller, policy: DecisionChannels): void {
  if (policy.cliDecisions === 'deny' && caller.channel?.kind === 'cli') {
    throw new GrantPolicyError(
      'cli-decisions-denied',
      'Approvals are accepted only through the HTTP API with a verified token (WATCHDOG_CLI_DECISIONS=deny): on the command line the approver is a name the operator types. Approve in the web app or with a token for the API.',
    );
  }
}
