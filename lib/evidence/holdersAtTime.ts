/** "Who held Mailbox Import Export at time T", answered from the verified journal. */
import type { JournalRows } from '../ports/index.js';
import type { ChainReport } from './chainVerifier.js';
import { holdersAt, type HeldHolder, type HoldersAt } from './holderHistory.js';
import { verifiedReplay } from './verifyHistory.js';

export interface HoldersAtAnswer extends HoldersAt {
  /** Whether the history the answer was built from verified; an answer from a broken chain is not evidence. */
  integrity: ChainReport;
}

export async function holdersAtTime(deps: { journalRows: JournalRows }, at: string): Promise<HoldersAtAnswer> {
  const replay = verifiedReplay(deps.journalRows);
  const answer = await holdersAt(replay.entries, at);
  return { ...answer, integrity: replay.report() };
}

const sourceNote = ({ source, grantId }: HeldHolder): string =>
  source === 'grant'
    ? `from grant ${grantId ?? ''} (the watchdog's own events; no audit saw it)`
    : `seen by the audit${grantId ? `, grant ${grantId}` : ''}`;

function holderLine(held: HeldHolder): string {
  const { holder, since } = held;
  return `  ${holder.principal}${holder.displayName ? ` (${holder.displayName})` : ''}: ${holder.path}; ${holder.assignmentName}; scope ${holder.scope}${holder.enabled ? '' : '; assignment disabled'}; since ${since}; ${sourceNote(held)}`;
}

export function describeHoldersAt(answer: HoldersAtAnswer): string {
  if (!answer.recorded) {
    const start = answer.historyStartsAt
      ? `recorded history starts at ${answer.historyStartsAt}`
      : 'no holder history has been recorded yet';
    const none = `No audit record of who held Mailbox Import Export at ${answer.at}: ${start}.`;
    return answer.holders.length
      ? `${none}\nThe watchdog's own grants held it then:\n${answer.holders.map(holderLine).join('\n')}`
      : none;
  }
  return `${answer.holders.length} holder(s) of Mailbox Import Export at ${answer.at}:\n${answer.holders.map(holderLine).join('\n')}`;
}
