// Source of schema/allowlist.schema.json: a named allowlist (`<name>.allowlist.yml` beside the rules),
// declared once and compiled to a Splunk lookup, a KQL let list or Sentinel watchlist, and Sigma filters.
const str = (description, extra = {}) => ({ type: 'string', minLength: 1, description, ...extra });
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/allowlist.schema.json',
  title: 't1612 allowlist',
  description: 'Approved values (build hosts, CI accounts, registries) that rules suppress or test against. Each entry says why it is approved, who owns it and, optionally, when the approval ends.',
  type: 'object',
  additionalProperties: false,
  required: ['allowlist', 'description', 'match', 'entries'],
  properties: {
    allowlist: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 60, description: 'Name of the list (lower_snake_case); equals the file name without .allowlist.yml, with - as _.' },
    description: str('What the list holds and who may add to it.'),
    match: {
      type: 'string',
      enum: ['exact', 'domain'],
      description: 'exact: the value equals an entry; domain: the value equals an entry or is a subdomain of one (registry-1.docker.io is under docker.io). Both ignore ASCII case.',
    },
    entries: {
      type: 'array',
      minItems: 1,
      description: 'The approved values.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['value', 'reason', 'owner'],
        properties: {
          value: str('The approved value: printable ASCII without *, quotes, backslash or spaces (host names, account names, registry hosts).', { pattern: '^[!#-)+-\\[\\]-~]+$', maxLength: 253 }),
          reason: str('Why it is approved (which false positive it removes).'),
          owner: str('Who answers for the approval (team or person).'),
          expires: str('Last day of the approval, YYYY-MM-DD; validate and compile warn once it has passed (the entry still applies until removed, so output never depends on the date).', { format: 'date' }),
        },
      },
    },
  },
};
export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/allowlist.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
