import type { Severity } from './finding.js';

/**
 * The default severity of every rule's findings, by rule id. Readers at every stage (shell, make, config readers,
 * CI readers) build findings, and each needs its rule's severity; reading it from the rule registry
 * (src/rules/index.ts) made every reader import every rule, and the rules import the judge's model, which imported
 * the readers: one import cycle through the whole engine. The registry's definitions must agree with this table
 * (__tests__/model/rule-severity.test.ts checks both directions).
 */
export const RULE_SEVERITY: Readonly<Record<string, Severity>> = {
  'unsigned-image': 'error',
  'partially-signed-image': 'error',
  'signed-by-tag': 'warning',
  'keyless-without-id-token': 'error',
  'committed-private-key': 'error',
  'signing-key-not-secret': 'error',
  'attestation-only': 'warning',
  'not-inspected': 'warning',
  'unresolved-push': 'warning',
  'parse-error': 'warning',
  'input-bound-exceeded': 'error',
  'analysis-budget-exceeded': 'error',
  'docker-content-trust': 'note',
  'no-admission-enforcement': 'error',
  'enforcement-advisory-only': 'warning',
  'image-not-covered': 'error',
  'policy-trust-mismatch': 'error',
  'namespace-not-opted-in': 'warning',
  'webhook-fails-open': 'warning',
  'required-image-missing': 'error',
  'config-error': 'error',
  'signature-not-in-registry': 'error',
  'signature-identity-mismatch': 'error',
  'online-check-failed': 'note',
};

/** The default severity of rule `id`; an id that is not a rule is a programming error. */
export function ruleSeverity(id: string): Severity {
  const severity = Object.hasOwn(RULE_SEVERITY, id) ? RULE_SEVERITY[id] : undefined;
  if (!severity) throw new Error(`unknown rule id: ${id}`);
  return severity;
}
