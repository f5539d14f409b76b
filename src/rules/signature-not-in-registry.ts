import type { RuleDefinition } from './rule.js';

/** Raised by the online stage (src/online/), only with `confirm-online`. */
export const signatureNotInRegistry: RuleDefinition = {
  id: 'signature-not-in-registry',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: 'Find out what replaced the tag, then push and sign the image again from CI.',
  description: 'The pipeline signs the image, but the digest the registry serves today has no valid signature.',
  help: "With `confirm-online`, the image's current digest (the reference the analysis resolved, or `confirm-reference`) is read from its registry and its signatures are verified: Sigstore bundles as OCI referrers (the referrers API or the `sha256-<hex>` fallback tag), then cosign's legacy `sha256-<hex>.sig` tag. The pipeline would sign, yet what the registry serves now carries no signature over this digest that verifies against the trusted root: the tag was re-pushed (by hand, or by a path that does not sign), the signing step failed, or the signature attached belongs to another image. An admission policy that verifies signatures will refuse it; one that does not will run it.",
  example: {
    bad: '# release.yml signs ghcr.io/acme/api, then someone runs:\n#   docker push ghcr.io/acme/api:1.2.0   (an unsigned rebuild)',
    good: '# the tag points at the digest release.yml pushed and signed:\n#   cosign verify ghcr.io/acme/api:1.2.0 --certificate-identity-regexp ...',
  },
};
