/**
 * The slice of OData `$filter` the emulated Graph collections accept: `eq`, `ne`, `in`, `startswith`,
 * `and`, `or`, `not` and parentheses, over string ('' escapes a quote), boolean and null literals.
 * Anything else is a 400, as on Graph, so a client that builds filters carelessly finds out here.
 */

import { quotedLiteral } from '../quotedLiteral.js';

type Literal = string | boolean | null;
export type Predicate = (item: Record<string, unknown>) => boolean;

export class FilterError extends Error {}

type Token = { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'punct'; v: '(' | ')' | ',' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const literal = quotedLiteral(src, i);
      if (!literal) throw new FilterError('Unterminated string literal.');
      out.push({ t: 'str', v: literal.value });
      i = literal.end;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      const m = /^[A-Za-z0-9_./-]+/.exec(src.slice(i));
      if (!m) throw new FilterError(`Syntax error at position ${i} in '${src}'.`);
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

function getPath(item: Record<string, unknown>, path: string): unknown {
  let v: unknown = item;
  for (const p of path.split('/')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

const same = (a: unknown, b: Literal) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === b;

export function parseFilter(src: string): Predicate {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const word = (w: string) => {
    const t = peek();
    return t?.t === 'id' && t.v.toLowerCase() === w;
  };
  const expect = (v: string) => {
    const t = tokens[pos++];
    if (!t || t.v !== v || t.t === 'str') throw new FilterError(`Expected '${v}' in '${src}'.`);
  };
  const literal = (): Literal => {
    const t = tokens[pos++];
    if (t?.t === 'str') return t.v;
    if (t?.t === 'id' && ['true', 'false', 'null'].includes(t.v)) return t.v === 'null' ? null : t.v === 'true';
    throw new FilterError(`Expected a literal in '${src}' (strings are quoted with ', a ' inside is written '').`);
  };
  const property = (): string => {
    const t = tokens[pos++];
    if (t?.t !== 'id') throw new FilterError(`Expected a property name in '${src}'.`);
    return t.v;
  };

  const primary = (): Predicate => {
    if (peek()?.v === '(' && peek()?.t === 'punct') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (word('not')) {
      pos++;
      const inner = primary();
      return (x) => !inner(x);
    }
    if (word('startswith')) {
      pos++;
      expect('(');
      const prop = property();
      expect(',');
      const prefix = literal();
      expect(')');
      if (typeof prefix !== 'string') throw new FilterError('startswith takes a string.');
      return (x) => {
        const v = getPath(x, prop);
        return typeof v === 'string' && v.toLowerCase().startsWith(prefix.toLowerCase());
      };
    }
    const prop = property();
    const op = tokens[pos++];
    if (op?.t !== 'id') throw new FilterError(`Expected an operator after '${prop}'.`);
    switch (op.v.toLowerCase()) {
      case 'eq': {
        const v = literal();
        return (x) => same(getPath(x, prop), v);
      }
      case 'ne': {
        const v = literal();
        return (x) => !same(getPath(x, prop), v);
      }
      case 'in': {
        expect('(');
        const values: Literal[] = [literal()];
        while (peek()?.v === ',') {
          pos++;
          values.push(literal());
        }
        expect(')');
        return (x) => values.some((v) => same(getPath(x, prop), v));
      }
      default:
        throw new FilterError(`Unsupported operator '${op.v}'.`);
    }
  };
  /** `operand (keyword operand)*`, joined left to right. */
  const chain =
    (keyword: string, operand: () => Predicate, join: (l: Predicate, r: Predicate) => Predicate) => (): Predicate => {
      let left = operand();
      while (word(keyword)) {
        pos++;
        left = join(left, operand());
      }
      return left;
    };
  const and = chain(
    'and',
    () => primary(),
    (l, r) => (x) => l(x) && r(x),
  );
  const or = chain('or', and, (l, r) => (x) => l(x) || r(x));
  const result = or();
  if (pos !== tokens.length) throw new FilterError(`Unexpected '${tokens[pos]?.v}' in '${src}'.`);
  return result;
}
