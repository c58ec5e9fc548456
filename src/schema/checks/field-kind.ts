/**
 * Each predicate suits its field's kind: numeric fields (DestinationPort) take whole numbers with
 * `equals` only; address fields (DestinationIp) are the only ones `cidr` and `publicAddress` read;
 * networks are valid with their host bits zero; a number is never compared with a string field.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { ADDRESS_FIELDS, NUMERIC_FIELDS, STRING_OPS, type FieldPredicate } from '../../model/types.js';
import { parseNetwork } from '../../ir/ip.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

export const fieldKind: RuleCheck = {
  code: 'field-kind',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    const err = (at: string, message: string, hint: string) => out.push(diagnostic(rule.file, rule.locate.at(at), 'error', this.code, message, hint));
    walkPredicates(rule.model, (p, ptr) => {
      if ('publicAddress' in p && !ADDRESS_FIELDS.has(p.publicAddress.field))
        err(`${ptr}/publicAddress/field`, `publicAddress reads an IP address field, not ${p.publicAddress.field}`, `use ${[...ADDRESS_FIELDS].join(', ')}`);
      if (!('field' in p)) return;
      const f = p as FieldPredicate;
      const numeric = NUMERIC_FIELDS.has(f.field);
      if (numeric) {
        for (const op of STRING_OPS.filter((o) => o !== 'equals'))
          if (f[op] !== undefined) err(`${ptr}/${op}`, `${f.field} is a number; ${op} does not apply to it`, 'compare it with equals and whole numbers');
        if (f.cidr !== undefined) err(`${ptr}/cidr`, `${f.field} is a number, not an address`, `cidr applies to ${[...ADDRESS_FIELDS].join(', ')}`);
        const values = f.equals === undefined ? [] : Array.isArray(f.equals) ? f.equals : [f.equals];
        values.forEach((v, i) => {
          if (typeof v !== 'number') err(Array.isArray(f.equals) ? `${ptr}/equals/${i}` : `${ptr}/equals`, `${f.field} is a number; ${JSON.stringify(v)} is a string`, 'write the number without quotes (equals: 2375)');
        });
        if (f.case !== undefined) err(`${ptr}/case`, `${f.field} is a number; case does not apply`, 'remove case');
        return;
      }
      const values = f.equals === undefined ? [] : Array.isArray(f.equals) ? f.equals : [f.equals];
      values.forEach((v, i) => {
        if (typeof v === 'number') err(Array.isArray(f.equals) ? `${ptr}/equals/${i}` : `${ptr}/equals`, `${f.field} holds text; compare it with a string, not the number ${v}`, `quote the value ("${v}")`);
      });
      if (f.cidr !== undefined) {
        if (!ADDRESS_FIELDS.has(f.field)) err(`${ptr}/cidr`, `cidr reads an IP address field, not ${f.field}`, `use ${[...ADDRESS_FIELDS].join(', ')}`);
        const nets = Array.isArray(f.cidr) ? f.cidr : [f.cidr];
        nets.forEach((n, i) => {
          const parsed = parseNetwork(n);
          if ('problem' in parsed) err(Array.isArray(f.cidr) ? `${ptr}/cidr/${i}` : `${ptr}/cidr`, `invalid network: ${parsed.problem}`, 'write the network address with its prefix length (10.0.0.0/8, fc00::/7)');
        });
        if (f.case !== undefined) err(`${ptr}/case`, 'case does not apply to cidr', 'remove case');
      }
    });
    return out;
  },
};
