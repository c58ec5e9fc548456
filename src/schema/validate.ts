/**
 * JSON Schema validation (ajv, draft-07) of rule and test files, with each error turned into one
 * located Diagnostic: the position comes from the YAML node at the error's instance path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { LocatedDocument } from '../model/yaml.js';
import { packageRoot } from '../paths.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const validators = new Map<string, ValidateFunction>();

export type SchemaName = 'rule' | 'tests' | 'profile' | 'allowlist' | 'correlation' | 'correlation-tests';

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), 'schema', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

function validatorFor(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    v = ajv.compile(loadSchema(name));
    validators.set(name, v);
  }
  return v;
}

/** `/signals/0/weight` → `signals[0].weight` */
export function displayPath(pointer: string): string {
  if (pointer === '') return 'the document';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const tok = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(tok) ? `[${tok}]` : out === '' ? tok : `.${tok}`;
  }
  return out;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const tok = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[tok];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = levenshtein(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

const PREDICATE_ALONE = ['all', 'any', 'not', 'executable', 'flag', 'argument', 'pathArgument', 'subcommand'];

function toDiagnostic(e: ErrorObject, file: string, doc: LocatedDocument): Diagnostic | undefined {
  const path = e.instancePath;
  const where = displayPath(path);
  const value = valueAt(doc.value, path);
  const parentSchema = e.parentSchema as { properties?: Record<string, unknown>; description?: string; enum?: unknown[] } | undefined;
  const err = (pointer: string, message: string, hint: string, atKey = false) =>
    diagnostic(file, atKey ? doc.keyAt(pointer) : doc.at(pointer), 'error', 'schema', message, hint);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys(parentSchema?.properties ?? {});
      const guess = closest(key, allowed);
      return err(
        `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        `unknown key ${JSON.stringify(key)} in ${where}`,
        guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`,
        true,
      );
    }
    case 'required': {
      const key = String(p.missingProperty);
      const about = (parentSchema?.properties?.[key] as { description?: string } | undefined)?.description;
      return err(path, `${where} is missing required key "${key}"`, about ? `add ${key}: ${about.replace(/\.$/, '')}` : `add ${key}`);
    }
    case 'dependencies':
      return err(path, `"${String(p.property)}" in ${where} needs "${String(p.missingProperty)}"`, `add ${String(p.missingProperty)}, or remove ${String(p.property)}`);
    case 'type': {
      const t = String(p.type);
      const want = t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'integer' ? 'an integer' : t === 'boolean' ? 'true or false' : `a ${t}`;
      const ps = parentSchema as { minimum?: number; maximum?: number } | undefined;
      const range = ps?.minimum !== undefined && ps.maximum !== undefined ? ` from ${ps.minimum} to ${ps.maximum}` : ps?.minimum !== undefined ? ` of at least ${ps.minimum}` : '';
      return err(path, `${where} must be ${want} (got ${describe(value)})`, `write ${want}${range}`);
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      return err(path, `${where} must be one of ${allowed.join(', ')} (got ${describe(value)})`, guess ? `did you mean "${guess}"?` : 'use one of the listed values');
    }
    case 'const':
      return err(path, `${where} must be ${JSON.stringify(p.allowedValue)} (got ${describe(value)})`, parentSchema?.description ?? 'fix the value');
    case 'pattern':
      return err(path, `${where} has an invalid form (got ${describe(value)})`, parentSchema?.description ?? `match ${String(p.pattern)}`);
    case 'format':
      return err(path, `${where} must be a valid ${String(p.format)} (got ${describe(value)})`, p.format === 'date' ? 'write YYYY-MM-DD' : p.format === 'uuid' ? 'generate one with `uuidgen`' : `write a valid ${String(p.format)}`);
    case 'minLength':
      return err(path, `${where} must not be empty`, 'write a value or remove the key');
    case 'maxLength':
      return err(path, `${where} is longer than ${String(p.limit)} characters`, 'shorten it');
    case 'minimum':
    case 'maximum':
      return err(path, `${where} must be ${e.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)} (got ${describe(value)})`, 'change the number');
    case 'minItems':
      return err(path, `${where} needs at least ${String(p.limit)} item(s)`, 'add an item');
    case 'maxItems':
      return err(path, `${where} has more than ${String(p.limit)} items`, `keep at most ${String(p.limit)}`);
    case 'uniqueItems':
      return err(`${path}/${String(p.i)}`, `${where} lists the same value twice (items ${Number(p.j) + 1} and ${Number(p.i) + 1})`, 'remove the duplicate');
    case 'minProperties':
      return err(path, `${where} is empty`, 'write a condition, or remove it');
    case 'maxProperties': {
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      const lead = keys.find((k) => PREDICATE_ALONE.includes(k));
      if (lead) return err(path, `${where} mixes "${lead}" with ${keys.filter((k) => k !== lead).map((k) => `"${k}"`).join(', ')}`, `a predicate with ${lead} takes no other keys; wrap them in all: [...]`);
      return err(path, `${where} has more than one condition (${keys.join(', ')})`, 'wrap them in all: [...] or any: [...]');
    }
    case 'anyOf':
      if (value && typeof value === 'object' && 'field' in value)
        return err(path, `field predicate ${where} has no comparison`, 'add one of equals, contains, startswith, endswith, regex');
      return err(path, `${where} does not match any allowed form`, 'see schema/rule.schema.json');
    case 'oneOf':
      return err(path, `${where} must be a string or a non-empty list of distinct strings (got ${describe(value)})`, 'write a value or a list of values');
    case 'if':
      return undefined; // reported through the `then` branch's own error
    default:
      return err(path, `${where}: ${e.message ?? 'invalid'}`, 'see schema/rule.schema.json');
  }
}

/** Validate a located document; returns located diagnostics, one per problem, in source order. */
export function validateAgainstSchema(name: SchemaName, file: string, doc: LocatedDocument): Diagnostic[] {
  const validate = validatorFor(name);
  if (validate(doc.value)) return [];
  const errors = (validate.errors ?? []).filter((e) => {
    // Errors inside a oneOf/anyOf branch are summarised by the oneOf/anyOf error itself.
    return !/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath);
  });
  // A missing required key that an unknown key's "did you mean" names is the same mistake: report it once.
  const guessed = new Set<string>();
  for (const e of errors)
    if (e.keyword === 'additionalProperties') {
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(String((e.params as { additionalProperty: unknown }).additionalProperty), allowed);
      if (guess) guessed.add(`${e.instancePath}/${guess}`);
    }
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'required' && guessed.has(`${e.instancePath}/${String((e.params as { missingProperty: unknown }).missingProperty)}`)) continue;
    const d = toDiagnostic(e, file, doc);
    if (!d) continue;
    const key = `${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  // One error per node: the most specific one a user can act on comes first in ajv's order.
  const perNode = new Map<string, Diagnostic>();
  for (const d of out) {
    const k = `${d.line}:${d.column}`;
    if (!perNode.has(k)) perNode.set(k, d);
  }
  return [...perNode.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}
