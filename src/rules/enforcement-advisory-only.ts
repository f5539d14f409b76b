import type { RuleDefinition } from './rule.js';

export const enforcementAdvisoryOnly: RuleDefinition = {
  id: 'enforcement-advisory-only',
  severity: 'warning',
  area: 'enforcement',
  kind: 'security',
  fix: "Switch the policy to enforce once its audit results are clean.",
  description: "A signature-verification policy only audits or warns.",
  help: "A policy in audit, warn or dry-run mode (or a webhook with `failurePolicy: Ignore`, or a static pass authority) lets unverified images run. Switch it to enforce once the audit results are clean.",
  example: {
    bad: "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec:\n  validationFailureAction: Audit",
    good: "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec:\n  validationFailureAction: Enforce",
  },
};
