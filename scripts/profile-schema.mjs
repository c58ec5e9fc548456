// Source of schema/profile.schema.json: a deployment profile (how one target sees events), written
// as YAML under profiles/<target>/ (bundled) or in a folder passed with --profiles (yours).
import { ALL_FIELDS, CATEGORIES } from './fields.mjs';
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.:-]*$' };
const fieldMap = {
  type: 'object',
  description: 'Canonical field → the target field or column. A field left out is not carried by this profile.',
  additionalProperties: false,
  properties: Object.fromEntries(ALL_FIELDS.map((f) => [f, { ...name, description: `Target field for ${f}.` }])),
};
// kql: a column, or a path inside a dynamic column: member names (.name, or ['name'] for a name that
// is not an identifier) and array indexes ([0]). Kept equal to src/backends/kql/column-path.ts
// KQL_FIELD_VALUE (test/kql/column-path.test.ts).
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const KQL_FIELD_VALUE = `^${IDENT}(?:\\.${IDENT}|\\[(?:0|[1-9][0-9]{0,5})\\]|\\['[^'\\\\\\r\\n]+'\\])*$`;
const kqlFieldMap = {
  ...fieldMap,
  description: 'Canonical field → the column that holds it, or a path inside a dynamic column: ObjectRef.resource, RequestObject.spec.containers[0].image (the query reads tostring() of it). A field left out is not carried by this profile.',
  properties: Object.fromEntries(
    ALL_FIELDS.map((f) => [f, { type: 'string', pattern: KQL_FIELD_VALUE, description: `Column for ${f}, or a path inside a dynamic column (Column.member[0].member; ['a.b'] for a member name that is not an identifier).` }]),
  ),
};
const perCategory = (description, value) => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties: Object.fromEntries(Object.keys(CATEGORIES).map((c) => [c, value])),
});
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/profile.schema.json',
  title: 't1612 profile',
  description: 'How one deployment of a target sees events: field names per log source, placeholders for missing values, where the events live.',
  type: 'object',
  additionalProperties: false,
  required: ['target', 'id'],
  properties: {
    target: { type: 'string', enum: ['spl', 'kql', 'sigma'], description: 'The target this profile is for.' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 40, description: 'Profile id (lower_snake_case), used with --profile and as the output folder.' },
    extends: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'A bundled profile of the same target to start from; the keys given here replace or add to its own (field maps per log source and macros by name are merged).' },
    description: { type: 'string', minLength: 1, description: 'What deployment this profile describes.' },
    // Field values: a field name on spl and sigma, a column or a path on kql (the if/then/else below).
    fields: perCategory('Per log source, the field mapping.', { ...fieldMap, properties: Object.fromEntries(ALL_FIELDS.map((f) => [f, { type: 'string', minLength: 1, description: `Target field (or, on kql, column or path inside a dynamic column) for ${f}.` }])) }),
    ingestionLag: { type: 'string', pattern: '^[1-9][0-9]{0,5}(s|m|h)$', description: 'spl, kql: how late an event may arrive after its own time (default 5m). Scheduled searches read back every + chain span + this lag.' },
    placeholders: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, description: 'Values the telemetry writes for a missing value (Sysmon for Linux: -); read as absent.' },
    baseSearch: perCategory('spl: per log source, the macro that selects its events (never index=*); the query starts with it. A log source with a data model (dataModels) is read with tstats instead.', { ...name, description: 'Macro name.' }),
    dataModels: perCategory(
      'spl: per log source, the accelerated data model dataset its events are read from with tstats (`| tstats summariesonly=true allow_old_summaries=true fillnull_value="<first placeholder>" count from datamodel=<Model.Dataset> by <every field the rule reads, the host> _time span=1s`), instead of a base search. Field names are the dataset\'s (Processes.process); the query renames them without the dataset prefix. A result row is then a group of events equal in every by-field within one second, and count says how many. Needs placeholders (the first is the fillnull_value) and timeField _time.',
      { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$', description: 'Data model and root dataset: Endpoint.Processes.' },
    ),
    macros: {
      type: 'array',
      description: 'spl: macros written to macros.conf (merged by name with the extended profile\'s).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'definition'],
        properties: {
          name: { ...name, description: 'Macro name.' },
          definition: { type: 'string', minLength: 1, pattern: '^[^\\r\\n]*$', description: 'Macro definition (one line).' },
          description: { type: 'string', pattern: '^[^\\r\\n]*$', description: 'What the macro is for.' },
        },
      },
    },
    timeField: { ...name, description: 'spl: the time field.' },
    hostField: { ...name, description: 'spl: the host field of events read with a base search (baseSearch). A log source read from a data model shows its Host field instead.' },
    tables: perCategory('kql: per log source, the table (or, on the asim schema set, the ASIM parser function, called with no arguments: _Im_ProcessCreate()).', { ...name, description: 'Table or parser function name.' }),
    timeColumn: { ...name, description: 'kql: the time column.' },
    keepColumns: { type: 'array', items: { ...name }, description: 'kql: columns every result keeps first (those of them the log source\'s table has).' },
    allowlistSource: { type: 'string', enum: ['let', 'watchlist'], description: 'kql: where queries read exact allowlists from: a let list in each query, or Microsoft Sentinel watchlists (_GetWatchlist; their CSVs are written under watchlists/). Default: watchlist for the sentinel and asim schema sets, let otherwise.' },
    schemaSet: { type: 'string', enum: ['defender', 'sentinel', 'asim'], description: 'kql: which table schemas the queries are checked and run against (asim: the ASIM unifying parsers _Im_ProcessCreate, _Im_FileEvent, _Im_NetworkSession of a Microsoft Sentinel workspace).' },
    product: { type: 'string', minLength: 1, description: 'sigma: logsource product of every log source without its own entry in logsources.' },
    logsources: perCategory(
      'sigma: per log source, the logsource every document for it carries, when it is not category + product (Kubernetes audit events: product kubernetes, service audit).',
      {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        description: 'The Sigma logsource (category, product, service), as written into the documents.',
        properties: {
          category: { type: 'string', minLength: 1, description: 'Sigma logsource category.' },
          product: { type: 'string', minLength: 1, description: 'Sigma logsource product.' },
          service: { type: 'string', minLength: 1, description: 'Sigma logsource service.' },
        },
      },
    ),
  },
  // A KQL profile's field values are columns or paths inside dynamic columns.
  if: { properties: { target: { const: 'kql' } } },
  then: { properties: { fields: perCategory('Per log source, the field mapping.', kqlFieldMap) } },
  else: { properties: { fields: perCategory('Per log source, the field mapping.', fieldMap) } },
};
export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/profile.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
