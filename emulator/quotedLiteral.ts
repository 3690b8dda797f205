/**
 * A '…' literal as OData `$filter` and Exchange OPATH both write it, two quotes standing for one: its value and
 * the index after its closing quote, or undefined when it never closes. `start` is the index of its opening quote.
 */
export function quotedLiteral(src: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let i = start + 1;
  while (i < src.length) {
    if (src[i] !== "'") value += src[i++];
    else if (src[i + 1] === "'") {
      value += "'";
      i += 2;
    } else return { value, end: i + 1 };
  }
  return undefined;
}
