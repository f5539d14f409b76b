import type { Location } from './location.js';
import type { KeyMaterial } from './pipeline.js';
import type { CiSystem, SignMethod } from './report.js';

/**
 * What the signing stage knows about one pushed image, handed to the admission stage so it can judge
 * coverage and trust (key, keyless identity, signature format).
 */
export interface SignatureEvidence {
  method: SignMethod;
  location: Location;
  keyless: boolean;
  key?: KeyMaterial;
  /**
   * Keyless identity CI produces: the workflow file that runs the signing (`.github/workflows/release.yml`), when
   * known its trigger refs, the CI system that signs (its OIDC issuer decides what the certificate says) and the
   * certificate subject when the pipeline file fixes it.
   */
  identity?: { workflowPath: string; refs?: string[]; ci?: CiSystem; subject?: string };
  /**
   * Where the signature is stored: `legacy` (the `sha256-<digest>.sig` tag), `bundle` (Sigstore bundle as an OCI
   * referrer, cosign 3's default), `both`, or `unknown`.
   */
  format: 'legacy' | 'bundle' | 'both' | 'unknown';
  /** The signature is an attestation (cosign attest, attest-build-provenance) rather than an image signature. */
  attestation: boolean;
  byDigest: boolean;
}

export interface SignedImageInfo {
  name: string;
  signed: boolean;
  methods: SignMethod[];
  signatures: SignatureEvidence[];
  pushes: Location[];
}
