/**
 * `mie-watchdog verify`: checks the journal's hash chain end to end and against every write-once anchor; exit 1
 * and where it breaks when it does. With `--file`, an exported journal (NDJSON) instead of storage, and with
 * `--anchors`, an anchors file instead of the anchor blobs: enough to verify the history without storage access.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import {
  anchorsOf,
  describeAnchored,
  exportedRow,
  verifyAnchored,
  verifyExported,
  type AnchorSource,
} from '../lib/evidence/verifyAnchored.js';
import type { StoredJournalRow } from '../lib/ports/index.js';
import { openEvidence } from '../lib/runtime.js';
import { jsonFlag, leaf, runSpec, type CommandSpec } from './command.js';
import type { CliIo } from './io.js';

type VerifyDeps = Pick<EvidenceDeps, 'journalRows' | 'anchors'>;

/** A file's lines, read as they are needed: a year of journal never sits in memory. */
function lines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

async function* exportedRows(path: string): AsyncGenerator<StoredJournalRow> {
  let n = 0;
  for await (const line of lines(path)) {
    n++;
    if (line.trim()) yield exportedRow(line, n);
  }
}

function anchorsFile(path: string): AnchorSource {
  return { location: `file ${path}`, read: () => anchorsOf(lines(path), path) };
}

/** Without an anchors file an offline check has nothing written-once to hold the chain against: say so, fail. */
const NO_ANCHORS: AnchorSource = {
  location: 'no anchors file',
  read: () => ({
    [Symbol.asyncIterator]: () => ({
      next: () =>
        Promise.reject(
          new Error(
            'give --anchors FILE (export --kind anchors --format ndjson): without the anchors a consistently rewritten journal cannot be told from the real one',
          ),
        ),
    }),
  }),
};

function verifySpec(deps: VerifyDeps | (() => VerifyDeps)): CommandSpec {
  return leaf({
    name: 'verify',
    summary: "check the journal's hash chain and its write-once anchors",
    description:
      "Reads the whole journal and checks its hash chain (every entry's hash, its link to the one before, the sequence without gaps) and that the chain still reaches every write-once anchor. With --file it checks an exported journal (export --kind journal --format ndjson) and needs no storage access. Exit 1 and where it breaks when it does.",
    flags: [
      { name: 'file', value: 'FILE', description: 'an exported journal (NDJSON, from seq 1) instead of storage' },
      {
        name: 'anchors',
        value: 'FILE',
        description: 'an anchors file (export --kind anchors --format ndjson) instead of the anchor blobs',
      },
      jsonFlag('the report as one JSON document'),
    ],
    parse(input) {
      const file = input.text('file');
      const anchors = input.text('anchors');
      for (const [name, path] of [
        ['file', file],
        ['anchors', anchors],
      ] as const)
        if (path !== undefined && !existsSync(path))
          input.problem(`--${name}`, `--${name} '${path}' is not a file that can be read.`);
      return { json: input.bool('json'), file, anchors };
    },
    async run({ json, file, anchors }, io) {
      const report = file
        ? await verifyExported(exportedRows(file), anchors ? anchorsFile(anchors) : NO_ANCHORS)
        : await (async () => {
            const d = typeof deps === 'function' ? deps() : deps;
            return verifyAnchored(d.journalRows, anchors ? anchorsFile(anchors) : d.anchors);
          })();
      if (json) io.out(JSON.stringify(report, null, 2));
      else if (report.ok) io.out(describeAnchored(report));
      else io.err(describeAnchored(report));
      return report.ok ? 0 : 1;
    },
  });
}

export function verifyCommand(args: string[], io: CliIo, deps: VerifyDeps | (() => VerifyDeps)): Promise<number> {
  return runSpec(verifySpec(deps), args, io);
}

export function command(io: CliIo): CommandSpec {
  return verifySpec(() => openEvidence(loadConfig(io.env)));
}
