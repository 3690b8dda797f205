/** `mie-watchdog verify`: checks the journal's hash chain end to end; exit 1 and where it breaks when it does. */
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { openEvidence } from '../lib/runtime.js';
import { describeChainReport, verifyHistory } from '../lib/evidence/verifyHistory.js';
import { leaf, runSpec, type CommandSpec } from './command.js';
import type { CliIo } from './io.js';

type JournalDeps = Pick<EvidenceDeps, 'journalRows'>;

function verifySpec(deps: JournalDeps | (() => JournalDeps)): CommandSpec {
  return leaf({
    name: 'verify',
    summary: "check the journal's hash chain end to end",
    description:
      "Reads the whole journal and checks its hash chain: every entry's hash, its link to the one before and the sequence without gaps. Exit 1 and where it breaks when it does.",
    flags: [{ name: 'json', description: 'print the chain report as one JSON document (schema in docs/cli.md)' }],
    parse: (input) => ({ json: input.bool('json') }),
    async run({ json }, io) {
      const report = await verifyHistory((typeof deps === 'function' ? deps() : deps).journalRows);
      if (json) io.out(JSON.stringify(report, null, 2));
      else if (report.ok) io.out(describeChainReport(report));
      else io.err(describeChainReport(report));
      return report.ok ? 0 : 1;
    },
  });
}

export function verifyCommand(args: string[], io: CliIo, deps: JournalDeps | (() => JournalDeps)): Promise<number> {
  return runSpec(verifySpec(deps), args, io);
}

export function command(io: CliIo): CommandSpec {
  return verifySpec(() => openEvidence(loadConfig(io.env)));
}
