import type { Finding, Severity } from './finding.js';
import type { Location, RelatedLocation } from './location.js';
import { ruleSeverity } from './rule-severity.js';

/**
 * A finding of rule `id`: the severity declared with the rule unless the context lowers or raises it (e.g.
 * `require-enforcement: false`), each related place listed once (matrix combinations and several callers reach the
 * same lines).
 */
export function ruleFinding(id: string, message: string, location: Location, related: RelatedLocation[] = [], extra: { image?: string; severity?: Severity } = {}): Finding {
  const seen = new Set([`${location.file}:${location.line}`]);
  const unique = related.filter((r) => {
    const k = `${r.file}:${r.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    rule: id,
    severity: extra.severity ?? ruleSeverity(id),
    message,
    location,
    related: unique,
    ...(extra.image ? { image: extra.image } : {}),
  };
}
