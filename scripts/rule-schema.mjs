// Source of schema/rule.schema.json: written as a JS object for comments and reuse of pieces;
// `node scripts/rule-schema.mjs` regenerates the JSON (a test checks they agree).
import { ALL_FIELDS, CATEGORIES } from './fields.mjs';
const str = (description, extra = {}) => ({ type: 'string', minLength: 1, description, ...extra });
const stringOrList = (description) => ({
  description,
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
  ],
});
const stringList = (description, item = {}) => ({
  type: 'array',
  description,
  items: { type: 'string', minLength: 1, ...item },
  minItems: 1,
  uniqueItems: true,
});
const field = (description) => ({
  type: 'string',
  description,
  enum: ALL_FIELDS,
});
const caseMode = (dflt) => ({
  type: 'string',
  enum: ['sensitive', 'insensitive'],
  description: `Case sensitivity of the comparison (default ${dflt}). Insensitive folds ASCII letters only.`,
});
const helperKeys = ['executable', 'flag', 'argument', 'pathArgument', 'subcommand', 'image', 'publicAddress', 'listed'];
const ops = ['equals', 'contains', 'startswith', 'endswith', 'regex', 'cidr'];
const listName = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 60, description: 'Name of an allowlist (a *.allowlist.yml file beside the rules).' };
const alone = (k) => ({ if: { required: [k] }, then: { maxProperties: 1 } });

const predicate = {
  type: 'object',
  description:
    'A condition over one event: a combinator (all, any, not), a field predicate (field plus one or more of equals, contains, startswith, endswith, regex, cidr), or a helper (executable, flag, argument, pathArgument, subcommand, image, publicAddress, listed).',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    all: { type: 'array', minItems: 1, items: { $ref: '#/definitions/predicate' }, description: 'Every listed predicate holds.' },
    any: { type: 'array', minItems: 1, items: { $ref: '#/definitions/predicate' }, description: 'At least one listed predicate holds.' },
    not: { $ref: '#/definitions/predicate', description: 'The predicate does not hold (true when the field it reads is absent).' },
    field: field('Canonical field (Sigma taxonomy) the comparison reads. An absent, empty or placeholder value makes the comparison false.'),
    equals: {
      description: 'The whole value equals this string (or any/all of these); on a numeric field (DestinationPort), this whole number (or any of these).',
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
        { type: 'integer', minimum: 0, maximum: 65535 },
        { type: 'array', items: { type: 'integer', minimum: 0, maximum: 65535 }, minItems: 1, uniqueItems: true },
      ],
    },
    cidr: stringOrList('The value is an IP address inside this network (or any of these): IPv4 a.b.c.d/n or IPv6 x:y::/n, host bits zero. IPv4 networks hold IPv4 addresses only, IPv6 networks IPv6 addresses only. A value that is not an address is outside every network.'),
    contains: stringOrList('The value contains this string (or any/all of these).'),
    startswith: stringOrList('The value starts with this string (or any/all of these).'),
    endswith: stringOrList('The value ends with this string (or any/all of these).'),
    regex: stringOrList('The value contains a match for this regex (unanchored; portable subset: no look-around, backreferences, atomic or possessive forms, \\Q…\\E, \\p{…}, \\d \\w \\s \\b; write ASCII classes like [0-9]).'),
    match: { type: 'string', enum: ['any', 'all'], description: 'With a list of values: any (default) or all must hold.' },
    case: caseMode('insensitive'),
    executable: {
      type: 'object',
      description: 'The executable basename (last / or \\ component) of the field equals a listed name; with versionSuffix, a numeric version may follow (python3, python3.11 match python). sshd, containerd-shim and pwsh never match sh.',
      additionalProperties: false,
      required: ['field', 'names'],
      properties: {
        field: field('Field holding the executable path (Image or ParentImage).'),
        names: stringList('Executable names.', { pattern: '^[^/\\\\]+$' }),
        versionSuffix: { type: 'boolean', description: 'Accept a version suffix [0-9]+(.[0-9]+)* after the name (default false).' },
        case: caseMode('insensitive'),
      },
    },
    flag: {
      type: 'object',
      description: 'A command-line flag is set, reading the field as shell words (quotes, combined short flags, --flag=value, -fVALUE; nothing after a bare --). --no-cache=false is not set; --no-cache-filter is another flag.',
      additionalProperties: false,
      required: ['field', 'names'],
      properties: {
        field: field('Field holding the command line.'),
        names: stringList('Flag spellings: long (--file) or short (-f).', { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
        values: {
          type: 'object',
          description: 'The flag takes a value, which must start with or equal one of these strings, or name one of these executables (basename).',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            startswith: stringList('Value prefixes.'),
            equals: stringList('Whole values.'),
            basename: stringList(
              'Executable names: the value is a path or a bare name whose last / component equals one (sh matches sh, /bin/sh and /usr/local/bin/sh; not /bin/shx or sshd). Podman\'s JSON form \'["/bin/sh", "-c", …]\' is read by its first element.',
              { pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' },
            ),
          },
        },
        case: caseMode('insensitive') ,
      },
    },
    argument: {
      type: 'object',
      description: 'Some argument (a shell word, or the value in --name=VALUE, -xVALUE or key=VALUE) starts with, contains or ends with a listed string.',
      additionalProperties: false,
      required: ['field'],
      minProperties: 2,
      properties: {
        field: field('Field holding the command line.'),
        startswith: stringList('Argument prefixes.'),
        contains: stringList('Substrings of an argument.'),
        endswith: stringList('Argument suffixes.'),
        case: caseMode('insensitive'),
      },
    },
    pathArgument: {
      type: 'object',
      description: 'A path argument lies under one of the directories, by whole leading path components (/var/tmp/x is under /var/tmp; /home/u/tmp/ and /tmpl/ are not under /tmp). Case-sensitive.',
      additionalProperties: false,
      required: ['field', 'under'],
      properties: {
        field: field('Field holding the command line.'),
        under: stringList('Absolute directories.', { pattern: '^/' }),
        cwdField: field('Current-directory field used to resolve relative arguments (. and ./…); profiles without it do not resolve them, and compile says which.'),
      },
    },
    subcommand: {
      type: 'object',
      description: 'The command line runs one of these subcommands: program, then global options, then the subcommand words (docker --debug image build).',
      additionalProperties: false,
      required: ['field', 'words'],
      properties: {
        field: field('Field holding the command line.'),
        words: stringList('Subcommands, words separated by one space: build, image build.', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*( [A-Za-z0-9][A-Za-z0-9._-]*)*$' }),
        optionsWithValue: stringList('Global options that take the next word as their value (-H, --host).', { pattern: '^--?[A-Za-z0-9][A-Za-z0-9-]*$' }),
      },
    },
    image: {
      type: 'object',
      description:
        "The image reference of a container CLI command (docker|podman|nerdctl [global options] run|create|pull [options] IMAGE …), read as the tool reads it: the program, global options, the subcommand words, the subcommand's options (an option listed as taking a value takes the next word, whatever it is), then the first positional word. A long option in neither list of its place has no reading, and then every registry test is false: list every option of the tools. Registry per Docker's reference grammar: the text before the first / is a host when it has a . or :, is localhost, or has an upper-case letter; otherwise the image is on docker.io.",
      additionalProperties: false,
      required: ['field', 'words', 'registry'],
      properties: {
        field: field('Field holding the command line.'),
        words: stringList('Subcommands, words separated by one space: run, container run, image pull.', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*( [A-Za-z0-9][A-Za-z0-9._-]*)*$' }),
        optionsWithValue: stringList('Global options (before the subcommand) that take the next word as their value (-H, --host).', { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
        booleanOptions: stringList('Global long options that take no value (--debug, --tls). Short letters not listed as taking a value are boolean without listing.', { pattern: '^--[A-Za-z0-9][A-Za-z0-9-]*$' }),
        subcommandOptionsWithValue: stringList("The subcommand's options that take the next word as their value (-v, --volume, --name, --entrypoint).", { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
        subcommandBooleanOptions: stringList("The subcommand's long options that take no value (--rm, --detach, --privileged). Short letters not listed as taking a value are boolean without listing.", { pattern: '^--[A-Za-z0-9][A-Za-z0-9-]*$' }),
        registry: {
          description:
            'explicit: the image names a registry host (registry.example.com/x, host:5000/x, localhost/x, 10.0.0.5:5000/x, [::1]:5000/x). {listed: <allowlist>}: the registry host (without its port; docker.io when the image names none) is an entry of the list, ignoring ASCII case, or a subdomain of one in a domain list (a numeric entry, an IPv4 address, matches only itself); the entries are compiled into the pattern.',
          // if/then/else rather than oneOf, so a misspelt mode is reported as such (enum, did you mean)
          if: { type: 'string' },
          then: { enum: ['explicit'] },
          else: { type: 'object', additionalProperties: false, required: ['listed'], properties: { listed: listName } },
        },
      },
    },
    publicAddress: {
      type: 'object',
      description: 'The address field holds a public address: a valid IPv4 or IPv6 address outside the private, loopback, link-local, CGNAT (100.64/10), multicast, reserved, documentation, unique-local (fc00::/7) and IPv4-mapped ranges (the full list is in src/ir/ip.ts). An empty or unparsable value is not public.',
      additionalProperties: false,
      required: ['field'],
      properties: { field: field('Address field (DestinationIp).') },
    },
    listed: {
      type: 'object',
      description: 'The value is an entry of the named allowlist (case-insensitive; a domain list also accepts subdomains of an entry).',
      additionalProperties: false,
      required: ['field', 'list'],
      properties: { field: field('Field compared with the entries.'), list: listName },
    },
  },
  allOf: [
    ...['all', 'any', 'not', ...helperKeys].map(alone),
    { if: { required: ['field'] }, then: { anyOf: ops.map((o) => ({ required: [o] })) } },
  ],
  dependencies: Object.fromEntries([...ops, 'match', 'case'].map((k) => [k, ['field']])),
};

const tierCondition = {
  type: 'object',
  description: 'A condition over the signals that hold and the score: all, any, not, signal, or score.',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    all: { type: 'array', minItems: 1, items: { $ref: '#/definitions/tierCondition' }, description: 'Every listed condition holds.' },
    any: { type: 'array', minItems: 1, items: { $ref: '#/definitions/tierCondition' }, description: 'At least one listed condition holds.' },
    not: { $ref: '#/definitions/tierCondition', description: 'The condition does not hold.' },
    signal: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'This signal holds.' },
    score: {
      type: 'object',
      description: 'The score compares with these bounds (all must hold).',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        gte: { type: 'integer', description: 'score >= n' },
        gt: { type: 'integer', description: 'score > n' },
        lte: { type: 'integer', description: 'score <= n' },
        lt: { type: 'integer', description: 'score < n' },
      },
    },
  },
};

const level = { type: 'string', enum: ['informational', 'low', 'medium', 'high', 'critical'] };

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://t1612.dev/schema/rule.schema.json',
  title: 't1612 rule',
  description: 'A container-image-build detection for MITRE ATT&CK T1612, compiled by t1612 to Splunk SPL, Microsoft Sentinel / Defender KQL and Sigma.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'title', 'description', 'status', 'author', 'created', 'severity', 'confidence', 'attack', 'logsource', 'match', 'signals', 'threshold', 'tiers'],
  properties: {
    id: str('Stable UUID of the rule; never reuse one.', { format: 'uuid' }),
    name: str('Slug of the rule; equals the file name without .yml.', { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 }),
    title: str('One-line title.', { maxLength: 120 }),
    description: str('What the rule detects and why it is built this way.', { maxLength: 60000 }),
    status: { type: 'string', enum: ['experimental', 'test', 'stable', 'deprecated', 'unsupported'], description: 'Maturity, as in Sigma.' },
    author: str('Author or team.'),
    created: str('Creation date, YYYY-MM-DD.', { format: 'date' }),
    modified: str('Last change, YYYY-MM-DD.', { format: 'date' }),
    references: stringList('URLs backing the rule.', { format: 'uri' }),
    severity: { ...level, description: 'Severity of the rule as a whole (each tier has its own level).' },
    confidence: { type: 'string', enum: ['low', 'medium', 'high'], description: 'Confidence that a result is malicious.' },
    falsePositives: stringList('Known benign causes, and how to tune for them.', { minLength: 2 }),
    tags: stringList('Free-form tags (lower-case).', { pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    attack: {
      type: 'object',
      description: 'MITRE ATT&CK mapping, pinned to a release.',
      additionalProperties: false,
      required: ['version', 'technique', 'tactics', 'strategy', 'analytics'],
      properties: {
        version: { type: 'string', enum: ['19.1'], description: 'ATT&CK release the mapping was checked against.' },
        technique: { type: 'string', pattern: '^T[0-9]{4}(\\.[0-9]{3})?$', description: 'Technique id, e.g. T1612.' },
        tactics: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          description: 'Tactic short names of the release (v19 split defense-evasion into stealth and defense-impairment).',
          items: {
            type: 'string',
            enum: ['reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation', 'stealth', 'defense-impairment', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control', 'exfiltration', 'impact'],
          },
        },
        strategy: { type: 'string', pattern: '^DET[0-9]{4}$', description: 'Detection strategy id, e.g. DET0459.' },
        analytics: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^AN[0-9]{4}$' }, description: 'Analytic ids, e.g. AN1261.' },
      },
    },
    alert: {
      type: 'object',
      description: 'What a deployed alert shows. Every name must be an output of the results (checked at its line): a field of the log source, risk_score, risk_tier, risk_action or sig_<signal id>; for a correlation, a group-by field, chain_start, chain_end, correlation, correlation_level or correlation_action.',
      additionalProperties: false,
      properties: {
        message: { type: 'string', minLength: 1, maxLength: 250, pattern: '^[^\\r\\n]*$', description: 'One line with {name} tokens: Image build on {Host} by {User} ({risk_tier}).' },
        entities: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: ['Host', 'User', 'Image', 'ParentImage', 'DestinationIp', 'DestinationHostname', 'TargetFilename'] },
          description: 'Fields naming the entities of an alert: Host (host), User (account), Image and ParentImage (process), DestinationIp (IP address), DestinationHostname (DNS name), TargetFilename (file).',
        },
        details: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: 'Outputs shown with the alert (Sentinel custom details, Splunk drilldown fields).' },
      },
    },
    schedule: {
      type: 'object',
      description: 'When the detection runs. Its lookback is every + its full chain span + the profile\'s ingestion lag (src/ir/schedule.ts), so consecutive runs neither miss nor double a result.',
      additionalProperties: false,
      properties: {
        every: { type: 'string', enum: ['5m', '10m', '15m', '20m', '30m', '1h', '2h', '3h', '4h', '6h', '8h', '12h', '24h'], description: 'How often it runs (default 5m): a Splunk cron step and a Sentinel queryFrequency.' },
      },
    },
    logsource: {
      type: 'object',
      description: 'The kind of events the rule reads.',
      additionalProperties: false,
      required: ['category', 'product'],
      properties: {
        category: {
          type: 'string',
          enum: Object.keys(CATEGORIES),
          description: `Event category (Sigma taxonomy): ${Object.entries(CATEGORIES)
            .map(([c, f]) => `${c} (${f.join(', ')})`)
            .join('; ')}.`,
        },
        product: { type: 'string', enum: ['linux', 'kubernetes'], description: 'What writes the events: linux for process_creation, file_event and network_connection, kubernetes for k8s_audit.' },
      },
      // k8s_audit is written by the Kubernetes API server, every other log source by a Linux host
      if: { properties: { category: { const: 'k8s_audit' } } },
      then: { properties: { product: { const: 'kubernetes', description: 'write product: kubernetes for k8s_audit' } } },
      else: { properties: { product: { const: 'linux', description: 'write product: linux for process_creation, file_event and network_connection' } } },
    },
    match: { $ref: '#/definitions/predicate', description: 'Which events the rule is about (for example: a container image build).' },
    optionalFields: {
      type: 'array',
      description: 'Fields the rule reads only to widen what it sees: a profile without one still runs the rule, every predicate on the field is false there, and compile and explain say what is lost.',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'use'],
        properties: { field: field('The optional field.'), use: str('What is lost without it, completing "without the field, …".') },
      },
    },
    allowlists: {
      type: 'array',
      description: 'Suppressions: an event whose field is an entry of the list is not a result (approved build hosts, CI accounts). Splunk reads them through the <rule>_allowlist macro (a lookup), KQL through a let list or a Sentinel watchlist, Sigma through a filter.',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['list', 'field'],
        properties: { list: listName, field: field('Field compared with the entries.') },
      },
    },
    imageKey: {
      type: 'array',
      description:
        'Where an event of the rule names a container image, read by correlations joined on the image (joinOn: [image]). The first source that reads a reference gives the key: the repository, without tag or digest, docker.io/ and library/ dropped (alpine, ghcr.io/acme/app, registry.local:5000/team/app). An event no source reads has no image and joins any.',
      minItems: 1,
      items: {
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: {
          image: {
            type: 'object',
            description: "The positional image of a run, create or pull command, read with the image predicate's grammar (list every option of the tools).",
            additionalProperties: false,
            required: ['field', 'words'],
            properties: {
              field: field('Field holding the command line.'),
              words: stringList('Subcommands, words separated by one space: run, container run, image pull.', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*( [A-Za-z0-9][A-Za-z0-9._-]*)*$' }),
              optionsWithValue: stringList('Global options that take the next word as their value.', { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
              booleanOptions: stringList('Global long options that take no value.', { pattern: '^--[A-Za-z0-9][A-Za-z0-9-]*$' }),
              subcommandOptionsWithValue: stringList("The subcommand's options that take the next word as their value.", { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
              subcommandBooleanOptions: stringList("The subcommand's long options that take no value.", { pattern: '^--[A-Za-z0-9][A-Za-z0-9-]*$' }),
            },
          },
          flag: {
            type: 'object',
            description: "The value of the first of these options on the command line, read as the flag predicate reads one (--tag NAME, --tag=NAME, -t NAME, -tNAME; quoted or not): a build's -t, kubectl's --image.",
            additionalProperties: false,
            required: ['field', 'names'],
            properties: {
              field: field('Field holding the command line.'),
              names: stringList('Option names: --long or -x.', { pattern: '^(--[A-Za-z0-9][A-Za-z0-9-]*|-[A-Za-z0-9])$' }),
            },
          },
          reference: {
            type: 'object',
            description: 'A field whose value is an image reference (a Kubernetes pod spec image).',
            additionalProperties: false,
            required: ['field'],
            properties: { field: field('Field holding the reference.') },
          },
        },
      },
    },
    signals: {
      type: 'array',
      description: 'Weighted risk signals; the score is the sum of the weights of those that hold.',
      minItems: 1,
      maxItems: 12,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'weight', 'description', 'when'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 40, description: 'Identifier (lower_snake_case), used in outputs as sig_<id>.' },
          weight: { type: 'integer', minimum: 1, maximum: 100, description: 'Positive integer weight.' },
          description: str('What the signal means.'),
          when: { $ref: '#/definitions/predicate', description: 'When the signal holds.' },
        },
      },
    },
    threshold: { type: 'integer', minimum: 1, description: 'Minimum score for a result.' },
    tiers: {
      type: 'array',
      description: 'Verdict tiers in order; the first whose condition holds wins; the last is the default (no when, default: true).',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'title', 'level', 'action'],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 40, description: 'Identifier of the tier (lower_snake_case), output as risk_tier.' },
          title: str('Human-readable verdict.', { maxLength: 120 }),
          when: { $ref: '#/definitions/tierCondition', description: 'When this tier applies.' },
          default: { type: 'boolean', const: true, description: 'Marks the last tier, which applies when no earlier tier does.' },
          level: { ...level, description: 'Level of results in this tier (Sigma level; Sentinel severity).' },
          action: { type: 'string', enum: ['alert', 'risk'], description: 'alert: raise an alert; risk: record a risk event only (no notable in Splunk, informational in Sentinel, level informational in Sigma).' },
        },
      },
    },
  },
  definitions: { predicate, tierCondition },
};

export default schema;

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../schema/rule.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}
