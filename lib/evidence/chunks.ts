/** Joins many small pieces into chunks of about `size` characters: fewer writes, bounded memory. */
export async function* inChunks(pieces: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let buffer: string[] = [];
  let length = 0;
  for await (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length >= size) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length) yield buffer.join('');
}
