/**
 * A small read-only view of a parsed Bicep file for the infra tests: parameters (type, literal
 * default, @allowed values), variables, property keys, and an evaluator for the literal subset of
 * expressions (strings with interpolation, numbers, booleans, parameters, string(), toLower(),
 * empty(), !, ?:) so that deployed defaults can be checked against lib/config.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Node, Parser } from 'web-tree-sitter';
import { loadBicepParser, maskExtensions } from '../../scripts/checkBicep.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const INFRA = join(REPO, 'infra');

/** Files of infra/ (paths relative to it), parsed by one parser. */
export async function loadInfra(...paths: string[]): Promise<BicepFile[]> {
  const parser = await loadBicepParser();
  return paths.map((path) => BicepFile.load(parser, join(INFRA, path)));
}

export type Literal = string | number | boolean;

export interface BicepParam {
  name: string;
  type: string;
  defaultValue?: Node;
  allowed?: Literal[];
}

export class BicepFile {
  readonly params = new Map<string, BicepParam>();
  readonly variables = new Map<string, Node>();
  readonly modules = new Map<string, Node>();

  constructor(
    readonly path: string,
    readonly root: Node,
  ) {
    let pendingAllowed: Literal[] | undefined;
    for (const node of root.namedChildren) {
      if (!node) continue;
      if (node.type === 'decorators') {
        pendingAllowed = allowedValues(node);
        continue;
      }
      const name =
        node.childForFieldName('name')?.text ?? node.namedChildren.find((c) => c?.type === 'identifier')?.text;
      if (node.type === 'parameter_declaration' && name) {
        const named = node.namedChildren.filter((c): c is Node => c !== null);
        const type = named.find((c) => c.type === 'type')?.text ?? '';
        const defaultValue = named.length > 2 ? named[named.length - 1] : undefined;
        this.params.set(name, { name, type, defaultValue, allowed: pendingAllowed });
      } else if (node.type === 'variable_declaration' && name) {
        const value = node.namedChildren[node.namedChildren.length - 1];
        if (value) this.variables.set(name, value);
      } else if (node.type === 'module_declaration' && name) {
        const body = node.namedChildren.find((c) => c?.type === 'object');
        if (body) this.modules.set(name, body);
      }
      pendingAllowed = undefined;
    }
  }

  static load(parser: Parser, path: string): BicepFile {
    const tree = parser.parse(maskExtensions(readFileSync(path, 'utf8')).source);
    if (!tree) throw new Error(`could not parse ${path}`);
    return new BicepFile(path, tree.rootNode);
  }

  /** Keys of an object literal, in source order. */
  static objectKeys(object: Node): string[] {
    return objectProperties(object).map(([key]) => key);
  }

  static property(object: Node, path: string[]): Node | undefined {
    let current: Node | undefined = object;
    for (const key of path) {
      current = current && objectProperties(current).find(([k]) => k === key)?.[1];
    }
    return current;
  }

  static objectProperties(object: Node): [string, Node][] {
    return objectProperties(object);
  }

  /** Every object property key anywhere in the file. */
  allPropertyKeys(): string[] {
    return this.root.descendantsOfType('object_property').flatMap((p) => {
      const key = p?.namedChildren[0];
      return key ? [keyText(key)] : [];
    });
  }

  /** Value of an expression when every part is a literal or a parameter with a value in `values`. */
  evaluate(node: Node, values: Map<string, Literal>): Literal | undefined {
    switch (node.type) {
      case 'string': {
        let out = '';
        for (const part of node.namedChildren) {
          if (!part) continue;
          if (part.type === 'string_content' || part.type === 'escape_sequence')
            out += part.type === 'escape_sequence' ? unescape(part.text) : part.text;
          else if (part.type === 'interpolation') {
            const inner = part.namedChildren[0];
            const v = inner ? this.evaluate(inner, values) : undefined;
            if (v === undefined) return undefined;
            out += String(v);
          } else return undefined;
        }
        return out;
      }
      case 'number':
        return Number(node.text);
      case 'boolean':
        return node.text === 'true';
      case 'identifier':
        return values.get(node.text);
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        return inner ? this.evaluate(inner, values) : undefined;
      }
      case 'unary_expression': {
        const operand = node.namedChildren[node.namedChildren.length - 1];
        const v = operand ? this.evaluate(operand, values) : undefined;
        return node.text.startsWith('!') && typeof v === 'boolean' ? !v : undefined;
      }
      case 'ternary_expression': {
        const [condition, whenTrue, whenFalse] = node.namedChildren;
        const c = condition ? this.evaluate(condition, values) : undefined;
        if (typeof c !== 'boolean') return undefined;
        const chosen = c ? whenTrue : whenFalse;
        return chosen ? this.evaluate(chosen, values) : undefined;
      }
      case 'call_expression': {
        const fn = node.namedChildren[0]?.text;
        const args = node.namedChildren[1]?.namedChildren.filter((a): a is Node => a !== null) ?? [];
        const first = args[0] ? this.evaluate(args[0], values) : undefined;
        if (args.length !== 1 || first === undefined) return undefined;
        if (fn === 'string') return typeof first === 'boolean' ? (first ? 'True' : 'False') : String(first);
        if (fn === 'toLower' && typeof first === 'string') return first.toLowerCase();
        if (fn === 'empty' && typeof first === 'string') return first.length === 0;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Parameter values for one deployment: literal defaults, overridden by `overrides`. */
  defaults(overrides: Record<string, Literal> = {}): Map<string, Literal> {
    const values = new Map<string, Literal>();
    for (const p of this.params.values()) {
      const v = p.defaultValue ? this.evaluate(p.defaultValue, values) : undefined;
      if (v !== undefined) values.set(p.name, v);
    }
    for (const [k, v] of Object.entries(overrides)) values.set(k, v);
    return values;
  }
}

function objectProperties(object: Node): [string, Node][] {
  const out: [string, Node][] = [];
  for (const p of object.namedChildren) {
    if (p?.type !== 'object_property') continue;
    const key = p.namedChildren[0];
    const value = p.namedChildren[p.namedChildren.length - 1];
    if (key && value && key !== value) out.push([keyText(key), value]);
  }
  return out;
}

function keyText(key: Node): string {
  return key.type === 'string' ? key.namedChildren.map((c) => c?.text ?? '').join('') : key.text;
}

function unescape(sequence: string): string {
  const map: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' };
  return map[sequence] ?? sequence;
}

function allowedValues(decorators: Node): Literal[] | undefined {
  for (const d of decorators.namedChildren) {
    const call = d?.namedChildren[0];
    if (call?.type !== 'call_expression' || call.namedChildren[0]?.text !== 'allowed') continue;
    const array = call.namedChildren[1]?.namedChildren[0];
    if (array?.type !== 'array') return undefined;
    return array.namedChildren.flatMap((item): Literal[] => {
      if (item?.type === 'string') return [item.namedChildren.map((c) => c?.text ?? '').join('')];
      if (item?.type === 'number') return [Number(item.text)];
      return [];
    });
  }
  return undefined;
}
