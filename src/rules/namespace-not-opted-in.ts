import type { RuleDefinition } from './rule.js';

export const namespaceNotOptedIn: RuleDefinition = {
  id: 'namespace-not-opted-in',
  severity: 'warning',
  area: 'enforcement',
  kind: 'security',
  fix: "Label the namespace `policy.sigstore.dev/include: \"true\"`.",
  description: "A namespace in the repository is not opted in to Sigstore policy-controller.",
  help: "policy-controller only evaluates namespaces labelled `policy.sigstore.dev/include: \"true\"`; pods in other namespaces are admitted unverified. Label the namespaces where the images run.",
  example: {
    bad: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop",
    good: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    policy.sigstore.dev/include: \"true\"",
  },
};
