// Source of schema/tests.schema.json (test cases that travel with a rule).
import { ALL_FIELDS } from './fields.mjs';
const FIELD_NOTES = {
  Host: 'The host the event comes from.',
  TargetFilename: 'file_event: the file written.',
  DestinationPort: 'network_connection: the remote port, as a string of digits ("443").',
  Initiated: 'network_connection: "true" when the host opened the connection.',
};
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/tests.schema.json',
  title: 't1612 rule test cases',
  description: 'Canonical events with the outcome the rule must give, kept beside the rule as rules/<name>.tests.yml.',
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'cases'],
  properties: {
    rule: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Name of the rule these cases test.' },
    cases: {
      type: 'array',
      minItems: 1,
      description: 'Test cases.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'reason', 'event', 'expect'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Case identifier (unique in the file).' },
          reason: { type: 'string', minLength: 1, description: 'One line: why the rule must give this outcome.' },
          event: {
            type: 'object',
            description: 'A canonical event: Sigma taxonomy fields (Host for the host) plus _time (ISO 8601). Omit a field to make it absent.',
            additionalProperties: false,
            properties: {
              _time: { type: 'string', description: 'Event time, ISO 8601.' },
              ...Object.fromEntries(
                ALL_FIELDS.map((f) => [f, { type: 'string', ...(FIELD_NOTES[f] ? { description: FIELD_NOTES[f] } : {}) }]),
              ),
            },
          },
          expect: { $ref: '#/definitions/outcome' },
          expectByProfile: {
            type: 'object',
            description: 'Outcome on profiles that see the event differently (for example without CurrentDirectory), keyed by profile.',
            additionalProperties: { $ref: '#/definitions/outcome' },
          },
        },
      },
    },
  },
  definitions: {
    outcome: {
      type: 'object',
      additionalProperties: false,
      required: ['matched', 'score'],
      properties: {
        matched: { type: 'boolean', description: 'The rule gives a result for the event.' },
        score: { type: 'integer', minimum: 0, description: 'Sum of the weights of the signals that hold (0 when the event is not one the rule is about).' },
        tier: { type: ['string', 'null'], description: 'Tier name (null when not matched).' },
        action: { enum: ['alert', 'risk', null], description: 'Tier action (null when not matched).' },
      },
      if: { properties: { matched: { const: true } } },
      then: { required: ['tier', 'action'], properties: { tier: { type: 'string' }, action: { enum: ['alert', 'risk'] } } },
      else: { properties: { tier: { type: 'null' }, action: { type: 'null' } } },
    },
  },
};
export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/tests.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
