// Source of schema/correlation-tests.schema.json: streams of events with the chains a correlation
// rule must report, kept beside it as rules/<name>.tests.yml.
import tests from './tests-schema.mjs';
import { CATEGORIES } from './fields.mjs';

const eventSchema = tests.properties.cases.items.properties.event;
const chains = {
  type: 'array',
  description: 'The chains the correlation reports, in any order ([] for none).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['group', 'start', 'end'],
    properties: {
      group: { type: 'object', additionalProperties: { type: 'string' }, description: 'Group-by field → value (Host: dev-07).' },
      start: { type: 'string', description: 'Time of the chain\'s first-stage event (ISO 8601).' },
      end: { type: 'string', description: 'Time of its last-stage event (ISO 8601).' },
    },
  },
};
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/correlation-tests.schema.json',
  title: 't1612 correlation test cases',
  description: 'Event streams with the chains the correlation rule must report.',
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'cases'],
  properties: {
    rule: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Name of the correlation rule these cases test.' },
    cases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'reason', 'events', 'expect'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Case identifier (unique in the file).' },
          reason: { type: 'string', minLength: 1, description: 'One line: why the chains are these.' },
          events: {
            type: 'array',
            minItems: 1,
            description: 'The stream: canonical events, each with its log source category and _time.',
            items: {
              ...eventSchema,
              required: ['category', '_time'],
              properties: { category: { type: 'string', enum: Object.keys(CATEGORIES), description: 'Log source of the event.' }, ...eventSchema.properties },
            },
          },
          expect: { type: 'object', additionalProperties: false, required: ['chains'], properties: { chains } },
          expectByProfile: {
            type: 'object',
            description: 'Chains on profiles that see the stream differently or approximate the semantics (Sigma\'s single timespan), keyed by profile.',
            additionalProperties: { type: 'object', additionalProperties: false, required: ['chains'], properties: { chains } },
          },
        },
      },
    },
  },
};
export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/correlation-tests.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
