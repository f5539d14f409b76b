import { isAttestation } from '../engine/judge.js';
import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const attestationOnly: RuleDefinition = {
  id: 'attestation-only',
  severity: 'warning',
  area: 'signing',
  kind: 'security',
  fix: "Add an image signature, or make the admission policy verify attestations.",
  description: "An image only gets a signed attestation, not an image signature.",
  help: "A signed provenance attestation (actions/attest-build-provenance, `cosign attest`) is counted as an equivalent signature, but admission policies that verify image signatures will not accept it. Either add an image signature or make sure the admission policy verifies attestations.",
  example: {
    bad: "- uses: actions/attest-build-provenance@v2\n  with:\n    subject-name: ghcr.io/acme/api\n    subject-digest: ${{ steps.build.outputs.digest }}\n    push-to-registry: true",
    good: "- run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}\n- uses: actions/attest-build-provenance@v2\n  with:\n    subject-name: ghcr.io/acme/api\n    subject-digest: ${{ steps.build.outputs.digest }}\n    push-to-registry: true",
  },
};

/** Images whose only counted signatures are attestations. */
export const checkAttestationOnly: SigningCheck = (model) =>
  model.images
    .filter((img) => img.signatures.length > 0 && img.methods.every(isAttestation))
    .map((img) =>
      makeFinding(
        attestationOnly,
        `${img.name} only gets a signed attestation (${img.methods.join(', ')}), counted as an equivalent signature; admission policies that verify image signatures will not accept it.`,
        img.signatures[0]!.location,
        [{ ...img.paths[0]!.push.location, message: 'pushed here' }],
        img.name,
      ),
    );
