import type { RuleDefinition } from './rule.js';

export const noAdmissionEnforcement: RuleDefinition = {
  id: 'no-admission-enforcement',
  severity: 'error',
  area: 'enforcement',
  kind: 'security',
  fix: "Add an enforcing signature policy, or point `policy-paths` at the deployed policies.",
  description: "No admission controller in the repository enforces signature verification.",
  help: "Signing is advisory until the cluster refuses unverified images. Add an enforcing policy (Sigstore policy-controller ClusterImagePolicy, Kyverno verifyImages with `failureAction: Enforce`, \u2026) or point `policy-paths` at the repository that holds the deployed policies.",
  example: {
    bad: "# images are signed, but nothing in the cluster checks",
    good: "apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: { name: acme-signed }\nspec:\n  images: [{ glob: \"ghcr.io/acme/**\" }]\n  authorities:\n    - keyless:\n        identities:\n          - issuer: https://token.actions.githubusercontent.com\n            subject: https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main",
  },
};
