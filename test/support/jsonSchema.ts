/**
 * The part of JSON Schema docs/cli.md uses (type, properties, required, additionalProperties: false, items,
 * enum, $ref into the shared $defs), and the schemas read from that file's `<!-- schema: NAME -->` blocks.
 */
import { readFileSync } from 'node:fs';

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  $ref?: string;
  $defs?: Record<string, Schema>;
  description?: string;
}

export function documentedSchemas(markdownPath: string): Map<string, Schema> {
  const text = readFileSync(markdownPath, 'utf8');
  const schemas = new Map<string, Schema>();
  for (const m of text.matchAll(/<!-- schema: ([\w-]+) -->\s*```json\n([\s\S]*?)\n```/g))
    schemas.set(m[1] ?? '', JSON.parse(m[2] ?? '') as Schema);
  return schemas;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every place `value` breaks `schema`, as `path: what` (empty when it conforms). */
export function violations(schema: Schema, value: unknown, defs: Record<string, Schema>, path = '$'): string[] {
  if (schema.$ref) {
    const target = defs[schema.$ref.replace('#/$defs/', '')];
    return target ? violations(target, value, defs, path) : [`${path}: unknown $ref ${schema.$ref}`];
  }
  const actual = typeOf(value);
  if (schema.type) {
    const allowed = [schema.type].flat();
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number')))
      return [`${path}: is ${actual}, expected ${allowed.join(' or ')}`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of the enum`];
  const found: string[] = [];
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) found.push(`${path}: missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) found.push(...violations(property, item, defs, `${path}.${key}`));
      else if (schema.additionalProperties === false) found.push(`${path}: undocumented property ${key}`);
      else if (typeof schema.additionalProperties === 'object')
        found.push(...violations(schema.additionalProperties, item, defs, `${path}.${key}`));
    }
  }
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((item, i) =>
      found.push(...violations(schema.items as Schema, item, defs, `${path}[${i}]`)),
    );
  return found;
}
