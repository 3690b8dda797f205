/**
 * `mie-watchdog export`: evidence for auditors, streamed to stdout or a file. The hash chain is
 * verified first; its result goes to stderr and a broken chain exits 1 after the export is written,
 * so tampered history is still handed over but never mistaken for intact history.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../lib/evidence/evidenceTable.js';
import { exportEvidence } from '../lib/evidence/exportEvidence.js';
import { openEvidence } from '../lib/runtime.js';
import { parseInstant } from '../lib/instant.js';
import { describeChainReport } from '../lib/evidence/verifyHistory.js';
import { UsageError, type CliIo } from './main.js';

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        format: { type: 'string' },
        kind: { type: 'string', default: 'journal' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        'no-bom': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function instant(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const value = parseInstant(text);
  if (!value)
    throw new UsageError(
      `--${name} '${text}' is not an ISO 8601 date or date-time with a zone (for example 2026-01-01 or 2026-01-01T00:00:00Z).`,
    );
  return value;
}

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

export async function exportCommand(
  args: string[],
  io: CliIo,
  deps: EvidenceDeps | (() => EvidenceDeps),
): Promise<number> {
  const values = parse(args);
  const format = values.format;
  if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  if (!(EXPORT_KINDS as readonly string[]).includes(values.kind))
    throw new UsageError(`--kind must be one of ${EXPORT_KINDS.join(', ')}.`);
  const from = instant('from', values.from);
  const to = instant('to', values.to);
  if (from && to && from >= to) throw new UsageError(`--from (${from}) must be before --to (${to}).`);

  const prepared = await exportEvidence(typeof deps === 'function' ? deps() : deps, {
    kind: values.kind as ExportKind,
    format: format as ExportFormat,
    period: { from, to },
    bom: !values['no-bom'],
  });
  const file = values.out ? await fileSink(values.out) : undefined;
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
  io.err(describeChainReport(prepared.integrity));
  if (values.out) io.err(`Wrote ${values.out}.`);
  return prepared.integrity.ok ? 0 : 1;
}

export function run(args: string[], io: CliIo): Promise<number> {
  return exportCommand(args, io, () => openEvidence(loadConfig(io.env)));
}
