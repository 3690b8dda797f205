/** `mie-watchdog holders --at ISO`: who held Mailbox Import Export at that instant, from the verified journal. */
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { describeHoldersAt, holdersAtTime, type HoldersAtAnswer } from '../lib/evidence/holdersAtTime.js';
import { openEvidence } from '../lib/runtime.js';
import { describeChainReport } from '../lib/evidence/verifyHistory.js';
import { jsonFlag, leaf, runSpec, type CommandSpec } from './command.js';
import type { CliIo } from './io.js';
import { holderSummaryLines, summarizeHolders } from './summary.js';

type JournalDeps = Pick<EvidenceDeps, 'journalRows'>;

/** `--summary`: the counts of the answer instead of every holder. */
export function holdersSummary(answer: HoldersAtAnswer) {
  return {
    at: answer.at,
    recorded: answer.recorded,
    ...(answer.historyStartsAt ? { historyStartsAt: answer.historyStartsAt } : {}),
    holders: summarizeHolders(answer.holders.map((h) => h.holder)),
    integrity: answer.integrity,
  };
}

function holdersSpec(deps: JournalDeps | (() => JournalDeps)): CommandSpec {
  return leaf({
    name: 'holders',
    summary: 'who held the role at an instant, from the verified journal',
    description:
      'Replays the holder history of the journal up to the instant given and prints who held Mailbox Import Export then, each with how and since when. Exit 1 when the journal does not verify: the answer then comes from altered history.',
    flags: [
      {
        name: 'at',
        value: 'ISO',
        description: 'the instant to ask about (ISO 8601, for example 2026-03-01T12:00:00Z)',
        required: true,
      },
      jsonFlag(),
      { name: 'summary', description: 'counts by path and principal type instead of every holder' },
    ],
    parse: (input) => ({ at: input.instant('at') ?? '', json: input.bool('json'), summary: input.bool('summary') }),
    async run({ at, json, summary }, io) {
      const answer = await holdersAtTime(typeof deps === 'function' ? deps() : deps, at);
      if (summary) {
        const counts = holdersSummary(answer);
        io.out(
          json
            ? JSON.stringify(counts, null, 2)
            : answer.recorded
              ? [`At ${answer.at}:`, ...holderSummaryLines(counts.holders)].join('\n')
              : describeHoldersAt(answer),
        );
      } else io.out(json ? JSON.stringify(answer, null, 2) : describeHoldersAt(answer));
      if (!answer.integrity.ok)
        io.err(`The answer comes from altered history.\n${describeChainReport(answer.integrity)}`);
      return answer.integrity.ok ? 0 : 1;
    },
  });
}

export function holdersCommand(args: string[], io: CliIo, deps: JournalDeps | (() => JournalDeps)): Promise<number> {
  return runSpec(holdersSpec(deps), args, io);
}

export function command(io: CliIo): CommandSpec {
  return holdersSpec(() => openEvidence(loadConfig(io.env)));
}
