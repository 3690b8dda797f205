/**
 * `mie-watchdog export`: evidence for auditors, streamed to stdout or a file. The hash chain is
 * verified first; its result goes to stderr and a broken chain exits 1 after the export is written,
 * so tampered history is still handed over but never mistaken for intact history.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../lib/evidence/evidenceTable.js';
import { exportEvidence } from '../lib/evidence/exportEvidence.js';
import { openEvidence } from '../lib/runtime.js';
import { describeAnchored } from '../lib/evidence/verifyAnchored.js';
import { leaf, runSpec, type CommandSpec } from './command.js';
import type { CliIo } from './io.js';

/** Writes to a file with backpressure; the stream is closed before the command returns. */
async function fileSink(path: string): Promise<{ write(chunk: string): Promise<void>; close(): Promise<void> }> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  await once(stream, 'open');
  return {
    async write(chunk) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

interface ExportFlags {
  format: ExportFormat;
  kind: ExportKind;
  from?: string;
  to?: string;
  out?: string;
  bom: boolean;
}

function exportSpec(deps: EvidenceDeps | (() => EvidenceDeps)): CommandSpec {
  return leaf<ExportFlags>({
    name: 'export',
    summary: 'stream evidence as CSV, JSON, NDJSON or HTML',
    description:
      'Streams evidence for auditors to stdout or a file. The hash chain is verified first; its result goes to stderr, and a broken chain exits 1 after the export is written, so altered history is handed over but never mistaken for intact history.',
    flags: [
      { name: 'format', value: 'FORMAT', description: `one of ${EXPORT_FORMATS.join(', ')}`, required: true },
      { name: 'kind', value: 'KIND', description: `one of ${EXPORT_KINDS.join(', ')} (default journal)` },
      { name: 'from', value: 'ISO', description: 'start of the period (ISO 8601)' },
      { name: 'to', value: 'ISO', description: 'end of the period (ISO 8601)' },
      { name: 'out', value: 'FILE', description: 'write to this file instead of stdout' },
      { name: 'no-bom', description: 'no byte order mark before CSV (Excel wants one, most tools do not)' },
    ],
    parse(input) {
      const flags = {
        format: input.choice('format', EXPORT_FORMATS, 'csv'),
        kind: input.choice('kind', EXPORT_KINDS, 'journal'),
        from: input.instant('from'),
        to: input.instant('to'),
        out: input.text('out'),
        bom: !input.bool('no-bom'),
      };
      if (flags.from && flags.to && flags.from >= flags.to)
        input.problem('--from', `--from (${flags.from}) must be before --to (${flags.to}).`);
      return flags;
    },
    run: (flags, io) => writeExport(flags, io, typeof deps === 'function' ? deps() : deps),
  });
}

async function writeExport(flags: ExportFlags, io: CliIo, deps: EvidenceDeps): Promise<number> {
  const prepared = await exportEvidence(deps, {
    kind: flags.kind,
    format: flags.format,
    period: { from: flags.from, to: flags.to },
    bom: flags.bom,
  });
  const file = flags.out ? await fileSink(flags.out) : undefined;
  const write = (chunk: string): Promise<void> => {
    if (file) return file.write(chunk);
    if (io.write) return io.write(chunk);
    io.out(chunk);
    return Promise.resolve();
  };
  try {
    for await (const chunk of prepared.body) await write(chunk);
  } finally {
    await file?.close();
  }
  io.err(describeAnchored(prepared.integrity));
  if (flags.out) io.err(`Wrote ${flags.out}.`);
  return prepared.integrity.ok ? 0 : 1;
}

export function exportCommand(args: string[], io: CliIo, deps: EvidenceDeps | (() => EvidenceDeps)): Promise<number> {
  return runSpec(exportSpec(deps), args, io);
}

export function command(io: CliIo): CommandSpec {
  return exportSpec(() => openEvidence(loadConfig(io.env)));
}
