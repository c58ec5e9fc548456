/**
 * A KQL profile maps a canonical field to a column (`Verb`), or to a **path inside a dynamic column**
 * (`ObjectRef.resource`, `RequestObject.spec.containers[0].image`, `ObjectRef['my.key']`): the
 * column, then member names (`.name`, or `['name']` for a name that is not an identifier) and array
 * indexes (`[0]`). The grammar is the profile schema's pattern for KQL field values
 * (scripts/profile-schema.mjs); a value without a step is a plain column, as before.
 *
 * How each part of the KQL target reads a path field:
 * - queries (core.ts): right after the table, `extend <alias> = tostring(<column>["member"][0]…)`
 *   (a member is `.Name` when kqlColumn would write it bare, else a string subscript through
 *   kqlString, so keywords and lower-case names are safe: `ObjectRef["resource"]`); every later
 *   operator reads the alias, a string column, exactly as it reads a mapped string
 *   column (placeholders, escaping, `extract`, projection). `tostring` of a missing member or of null
 *   is "" (K-fn tostring: "If value is null, the result is an empty string"), which the model reads
 *   as absent. The alias is the path with every step joined by `_` (`ObjectRef_resource`,
 *   `RequestObject_spec_containers_0_image`; a character of a quoted member that is not a letter,
 *   digit or `_` becomes `_`); a table column of that name, or two paths with one alias, is an error.
 * - rows (rows.ts): a canonical value is written inside the dynamic column at its path (nested bags
 *   and arrays), so the row holds what the telemetry holds.
 * - the evaluator (evaluate.ts): member access, element access and `tostring` on dynamic values.
 */
import { kqlColumn, kqlString } from './escape.js';

/** One step into a dynamic value: a member name, or an array index. */
export type ColumnPathStep = { readonly member: string } | { readonly index: number };

export interface KqlColumnPath {
  /** The profile's value as written. */
  readonly text: string;
  /** The table column that holds the value (a dynamic column when there are steps). */
  readonly column: string;
  readonly steps: readonly ColumnPathStep[];
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const QUOTED = "\\['[^'\\\\\\r\\n]+'\\]";
/** A KQL profile's field value: a column, then steps. Kept equal to the profile schema's pattern (test/kql/column-path.test.ts). */
export const KQL_FIELD_VALUE = `^${IDENT}(?:\\.${IDENT}|\\[(?:0|[1-9][0-9]{0,5})\\]|${QUOTED})*$`;
const STEP = new RegExp(`\\.(${IDENT})|\\[(0|[1-9][0-9]{0,5})\\]|\\['([^'\\\\\\r\\n]+)'\\]`, 'gy');

/** Parse a profile's field value (a column, or a path inside one); throws when it is neither. */
export function parseColumnPath(text: string): KqlColumnPath {
  if (!new RegExp(KQL_FIELD_VALUE).test(text)) throw new Error(`not a KQL column or column path: ${JSON.stringify(text)}`);
  const column = new RegExp(`^${IDENT}`).exec(text)![0];
  const steps: ColumnPathStep[] = [];
  STEP.lastIndex = column.length;
  for (let m = STEP.exec(text); m; m = STEP.exec(text)) {
    if (m[1] !== undefined) steps.push({ member: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ member: m[3]! });
  }
  return { text, column, steps };
}

const cache = new Map<string, KqlColumnPath>();

/** parseColumnPath, cached. */
export function columnPathOf(text: string): KqlColumnPath {
  let p = cache.get(text);
  if (!p) cache.set(text, (p = parseColumnPath(text)));
  return p;
}

/** The column a query reads for a profile value: the column itself, or the alias its path is extended to. */
export function kqlFieldColumn(text: string): string {
  const p = columnPathOf(text);
  if (!p.steps.length) return p.column;
  return [p.column, ...p.steps.map((s) => ('index' in s ? String(s.index) : s.member.replace(/[^A-Za-z0-9_]/g, '_')))].join('_');
}

/**
 * A member access: `.Name` when the name may be written bare (kqlColumn's rule: an identifier that
 * cannot be a keyword), else `["name"]` (a string subscript, the same access: K-lit dynamic).
 */
export function kqlMember(name: string): string {
  return kqlColumn(name) === name ? `.${name}` : `[${kqlString(name)}]`;
}

/** The path as a KQL expression of type dynamic: `RequestObject["spec"]["containers"][0]["image"]`. */
export function columnPathExpression(p: KqlColumnPath): string {
  return kqlColumn(p.column) + p.steps.map((s) => ('index' in s ? `[${s.index}]` : kqlMember(s.member))).join('');
}

/** The value a query reads for a path field: `tostring(<path>)` (null and missing members read as ""). */
export function columnPathText(p: KqlColumnPath): string {
  return `tostring(${columnPathExpression(p)})`;
}
