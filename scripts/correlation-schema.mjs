// Source of schema/correlation.schema.json: a correlation rule (ordered stages of other rules on one
// host within windows). `node scripts/correlation-schema.mjs` regenerates the JSON (a test checks it).
import rule from './rule-schema.mjs';
import { ALL_FIELDS } from './fields.mjs';

const meta = Object.fromEntries(
  ['id', 'name', 'title', 'description', 'status', 'author', 'created', 'modified', 'references', 'severity', 'confidence', 'falsePositives', 'tags', 'attack', 'schedule', 'alert'].map((k) => [k, rule.properties[k]]),
);
const duration = {
  type: 'string',
  pattern: '^[1-9][0-9]{0,5}(s|m|h)$',
  description: 'A duration: whole seconds (30s), minutes (10m) or hours (2h).',
};
const ruleName = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Name of a rule under the same rules folder.' };

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/correlation.schema.json',
  title: 't1612 correlation rule',
  description:
    'Ordered stages of other rules on one group (host): a chain is one result of each stage, in order, each within its window after the previous stage\'s event (0 <= t(k) - t(k-1) <= within, bounds inclusive). The README states the semantics exactly; every target follows it or says how it approximates it.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'title', 'description', 'status', 'author', 'created', 'severity', 'confidence', 'attack', 'correlation', 'level', 'action'],
  properties: {
    ...meta,
    correlation: {
      type: 'object',
      additionalProperties: false,
      required: ['groupBy', 'stages'],
      description: 'The chain.',
      properties: {
        groupBy: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: ALL_FIELDS },
          description: 'Canonical fields every event of a chain shares (Host). An event without them is in no chain.',
        },
        joinOn: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: ['image'] },
          description:
            'Keys stage events must share where they have them. image: every event of a chain that names an image (its rule\'s imageKey) names the same repository; an event that names none (egress, a build without -t) joins any.',
        },
        stages: {
          type: 'array',
          minItems: 2,
          maxItems: 6,
          description: 'The stages in order. The first has no window; each later one has `within`.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['rules'],
            properties: {
              rules: { type: 'array', minItems: 1, uniqueItems: true, items: ruleName, description: 'A result (any tier) of any of these rules fills the stage.' },
              within: { ...duration, description: 'Window after the previous stage\'s event (inclusive); required on every stage but the first.' },
              label: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 30, description: 'Short name of the stage in outputs and explanations (default stage<n>).' },
            },
          },
        },
      },
    },
    level: { ...rule.properties.severity, description: 'Level of a chain result (Sigma level; Sentinel severity).' },
    action: { type: 'string', enum: ['alert', 'risk'], description: 'alert: a completed chain raises an alert; risk: it records a risk event only.' },
  },
};
export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/correlation.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
