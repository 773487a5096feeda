/**
 * Backward compatibility of a JSON Schema contract: what a consumer of the old schema relied on must still hold.
 * Breaking: a property removed, retyped (type set, format, const changed), no longer required, an enum value
 * removed, a new required property, or any new property on an object the old schema closed (`additionalProperties:
 * false`: a consumer validating with it refuses the event). Allowed: new optional properties on open objects, new
 * enum values, new descriptions.
 */

type Schema = Record<string, unknown>;

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/'))
    node = asSchema(node)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return resolve(asSchema(node), root);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The variants of a node: the branches of anyOf/oneOf, or the node itself. */
function variants(schema: Schema, root: Schema): Schema[] {
  const resolved = resolve(schema, root);
  const union = resolved.anyOf ?? resolved.oneOf;
  if (Array.isArray(union)) return union.flatMap((branch) => variants(asSchema(branch), root));
  return [resolved];
}

/** The JSON types a node admits (`any` when unconstrained). */
function typeSet(schema: Schema, root: Schema): string[] {
  const types = new Set<string>();
  for (const variant of variants(schema, root)) {
    if (typeof variant.type === 'string') types.add(variant.type);
    else if (Array.isArray(variant.type)) for (const t of variant.type) types.add(String(t));
    else if ('const' in variant) types.add(jsonType(variant.const));
    else if (Array.isArray(variant.enum)) for (const value of variant.enum) types.add(jsonType(value));
    else if (variant.properties !== undefined) types.add('object');
    else types.add('any');
  }
  return [...types].sort();
}

function variantOfType(schema: Schema, root: Schema, type: string): Schema | undefined {
  return variants(schema, root).find(
    (variant) =>
      variant.type === type ||
      (Array.isArray(variant.type) && variant.type.includes(type)) ||
      (type === 'object' && variant.properties !== undefined),
  );
}

function allowedValues(schema: Schema, root: Schema): unknown[] | undefined {
  const values: unknown[] = [];
  for (const variant of variants(schema, root)) {
    if ('const' in variant) values.push(variant.const);
    else if (Array.isArray(variant.enum)) values.push(...variant.enum);
    else if (variant.type !== 'null') return undefined;
  }
  return values;
}

function compareNode(
  before: Schema,
  after: Schema,
  path: string,
  rootBefore: Schema,
  rootAfter: Schema,
  out: string[],
) {
  const typesBefore = typeSet(before, rootBefore);
  const typesAfter = typeSet(after, rootAfter);
  if (typesBefore.join('|') !== typesAfter.join('|')) {
    out.push(`${path}: retyped from ${typesBefore.join('|')} to ${typesAfter.join('|')}`);
    return;
  }
  const valuesBefore = allowedValues(before, rootBefore);
  const valuesAfter = allowedValues(after, rootAfter);
  if (valuesBefore !== undefined) {
    const kept = new Set((valuesAfter ?? []).map((value) => JSON.stringify(value)));
    const removed = valuesBefore.filter((value) => !kept.has(JSON.stringify(value)));
    if (valuesAfter !== undefined && removed.length > 0) {
      out.push(`${path}: allowed values removed: ${removed.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
  for (const type of typesBefore) {
    const oldVariant = variantOfType(before, rootBefore, type);
    const newVariant = variantOfType(after, rootAfter, type);
    if (oldVariant === undefined || newVariant === undefined) continue;
    if (type === 'string' && oldVariant.format !== newVariant.format) {
      out.push(
        `${path}: format changed from ${String(oldVariant.format ?? 'none')} to ${String(newVariant.format ?? 'none')}`,
      );
    }
    if (type === 'object') compareObject(oldVariant, newVariant, path, rootBefore, rootAfter, out);
    if (type === 'array') {
      compareNode(
        asSchema(oldVariant.items),
        asSchema(newVariant.items),
        `${path}[]`,
        rootBefore,
        rootAfter,
        out,
      );
    }
  }
}

function compareObject(
  before: Schema,
  after: Schema,
  path: string,
  rootBefore: Schema,
  rootAfter: Schema,
  out: string[],
) {
  const propsBefore = asSchema(before.properties);
  const propsAfter = asSchema(after.properties);
  const requiredBefore = new Set(Array.isArray(before.required) ? before.required.map(String) : []);
  const requiredAfter = new Set(Array.isArray(after.required) ? after.required.map(String) : []);
  const at = (name: string) => (path === '' ? name : `${path}.${name}`);
  for (const [name, schema] of Object.entries(propsBefore)) {
    if (!(name in propsAfter)) {
      out.push(`${at(name)}: removed`);
      continue;
    }
    if (requiredBefore.has(name) && !requiredAfter.has(name)) out.push(`${at(name)}: no longer required`);
    compareNode(asSchema(schema), asSchema(propsAfter[name]), at(name), rootBefore, rootAfter, out);
  }
  for (const name of requiredAfter) {
    if (!requiredBefore.has(name)) out.push(`${at(name)}: new required property`);
  }
  // A consumer validating with the old schema refuses any property it does not name when it allowed no others.
  if (before.additionalProperties === false) {
    for (const name of Object.keys(propsAfter)) {
      if (!(name in propsBefore) && !requiredAfter.has(name))
        out.push(`${at(name)}: new property where the old schema allowed no others`);
    }
  }
}

/** Every breaking difference from `before` to `after` (empty when `after` is backward compatible). */
export function breakingChanges(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  const rootBefore = asSchema(before);
  const rootAfter = asSchema(after);
  compareNode(rootBefore, rootAfter, '', rootBefore, rootAfter, out);
  return out.map((line) => (line.startsWith(':') ? `(root)${line}` : line));
}
