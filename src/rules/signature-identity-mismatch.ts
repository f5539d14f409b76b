import type { RuleDefinition } from './rule.js';

/** Raised by the online stage (src/online/), only with `confirm-online`. */
export const signatureIdentityMismatch: RuleDefinition = {
  id: 'signature-identity-mismatch',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Sign from this repository's workflow, or verify with the identity that really signs.",
  description: 'A signature in the registry verifies, but it was not made by the workflow of this repository that the pipeline says signs the image.',
  help: "The certificate chains to the trusted root and the signature covers the current digest, but its identity is not the one the static analysis expects: the issuer is not GitHub Actions (`https://token.actions.githubusercontent.com`), the subject is another workflow than the one that signs in this repository (checked anchored and escaped), or the Source Repository URI extension (OID 1.3.6.1.4.1.57264.1.12) names another repository — a reusable workflow called from elsewhere signs with the reusable workflow's own identity, so only that extension tells the caller apart. An admission policy pinned to this repository's identity refuses the image.",
  example: {
    bad: '# the signature on ghcr.io/acme/api was made by\n#   https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main',
    good: '# made by https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.2.0\n# with source repository https://github.com/acme/api',
  },
};
