/** `mie-watchdog verify`: checks the journal's hash chain end to end; exit 1 and where it breaks when it does. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { openEvidence } from '../lib/runtime.js';
import { describeChainReport, verifyHistory } from '../lib/evidence/verifyHistory.js';
import { UsageError, type CliIo } from './main.js';

export async function verifyCommand(
  args: string[],
  io: CliIo,
  deps: Pick<EvidenceDeps, 'journalRows'> | (() => Pick<EvidenceDeps, 'journalRows'>),
): Promise<number> {
  let json: boolean | undefined;
  try {
    ({ json } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }).values);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const report = await verifyHistory((typeof deps === 'function' ? deps() : deps).journalRows);
  if (json) io.out(JSON.stringify(report, null, 2));
  else if (report.ok) io.out(describeChainReport(report));
  else io.err(describeChainReport(report));
  return report.ok ? 0 : 1;
}

export function run(args: string[], io: CliIo): Promise<number> {
  return verifyCommand(args, io, () => openEvidence(loadConfig(io.env)));
}
