import type { RuleDefinition } from './rule.js';

export const attestationOnly: RuleDefinition = {
  id: 'attestation-only',
  severity: 'warning',
  area: 'signing',
  description: "An image only gets a signed attestation, not an image signature.",
  help: "A signed provenance attestation (actions/attest-build-provenance, `cosign attest`) is counted as an equivalent signature, but admission policies that verify image signatures will not accept it. Either add an image signature or make sure the admission policy verifies attestations.",
};
