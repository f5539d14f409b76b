import type { RuleDefinition } from './rule.js';

export const policyTrustMismatch: RuleDefinition = {
  id: 'policy-trust-mismatch',
  severity: 'error',
  area: 'enforcement',
  kind: 'security',
  fix: "Align the policy's key or keyless identity with the signing step.",
  description: "A policy's trust settings do not match how CI signs the image.",
  help: "A policy that expects another key, another keyless identity, a signature where CI only attests (or the reverse), or the legacy signature format where CI writes Sigstore bundles, rejects the images CI produces \u2014 or admits none of them. Align the policy with the signing step.",
  example: {
    bad: "# CI signs keylessly from release.yml; the policy expects a key\nattestors:\n  - entries:\n      - keys:\n          publicKeys: \"-----BEGIN PUBLIC KEY-----...\" ",
    good: "attestors:\n  - entries:\n      - keyless:\n          issuer: https://token.actions.githubusercontent.com\n          subject: https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main",
  },
};
