/** JSON and NDJSON written a record at a time, so an export never holds more than one record. */

/** One JSON document: the metadata members, then `records` as an array written element by element. */
export async function* jsonDocument(
  meta: Record<string, unknown>,
  rows: AsyncIterable<unknown>,
): AsyncGenerator<string> {
  const head = JSON.stringify(meta);
  yield `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"records":[`;
  let first = true;
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield `${first ? '' : '\n'}]}\n`;
}

export async function* ndjsonLines(rows: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}
