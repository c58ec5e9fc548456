/**
 * Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1 of a namespace and a name). A Sentinel rule's
 * resource name is the UUID of its detection's id in the t1612 namespace, so deploying the package
 * again updates the rule instead of creating a second one, and every build names it the same.
 */
import { createHash } from 'node:crypto';

/** RFC 9562's namespace for URLs. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

function bytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`internal: not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(bytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The namespace of t1612's Sentinel analytics rules. */
export const SENTINEL_RULE_NAMESPACE = uuidV5(URL_NAMESPACE, 'https://t1612.invalid/package/sentinel/alertRules');

/** The analytics rule id of a detection (its `id`, compared in lower case). */
export function sentinelRuleId(detectionId: string): string {
  return uuidV5(SENTINEL_RULE_NAMESPACE, detectionId.toLowerCase());
}
