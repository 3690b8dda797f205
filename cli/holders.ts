/** `mie-watchdog holders --at ISO`: who held Mailbox Import Export at that instant, from the verified journal. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { describeHoldersAt, holdersAtTime } from '../lib/evidence/holdersAtTime.js';
import { openEvidence } from '../lib/runtime.js';
import { parseInstant } from '../lib/instant.js';
import { describeChainReport } from '../lib/evidence/verifyHistory.js';
import { UsageError, type CliIo } from './main.js';

export async function holdersCommand(
  args: string[],
  io: CliIo,
  deps: Pick<EvidenceDeps, 'journalRows'> | (() => Pick<EvidenceDeps, 'journalRows'>),
): Promise<number> {
  let values: { at?: string; json?: boolean };
  try {
    values = parseArgs({
      args,
      options: { at: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (!values.at)
    throw new UsageError('--at is required: the instant to ask about (ISO 8601, for example 2026-03-01T12:00:00Z).');
  const at = parseInstant(values.at);
  if (!at) throw new UsageError(`--at '${values.at}' is not an ISO 8601 date or date-time with a zone.`);
  const answer = await holdersAtTime(typeof deps === 'function' ? deps() : deps, at);
  if (values.json) io.out(JSON.stringify(answer, null, 2));
  else io.out(describeHoldersAt(answer));
  if (!answer.integrity.ok) io.err(`The answer comes from altered history.\n${describeChainReport(answer.integrity)}`);
  return answer.integrity.ok ? 0 : 1;
}

export function run(args: string[], io: CliIo): Promise<number> {
  return holdersCommand(args, io, () => openEvidence(loadConfig(io.env)));
}
