/**
 * The one JSON writer of the Sentinel package: object keys sorted by UTF-16 code unit at every level
 * (so `$schema` comes first and the order never depends on how an object was built), arrays in their
 * order, two-space indent, a final newline. The same input gives byte-identical text.
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

function sorted(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(sorted);
  if (value !== null && typeof value === 'object') {
    const obj = value as { readonly [key: string]: JsonValue };
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = sorted(obj[key]!);
    return out;
  }
  return value;
}

export function stableJson(value: JsonValue): string {
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}
