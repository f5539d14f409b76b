import type { RuleDefinition } from './rule.js';

export const committedPrivateKey: RuleDefinition = {
  id: 'committed-private-key',
  severity: 'error',
  area: 'signing',
  description: "A private signing key is committed to the repository.",
  help: "A private key in the tree lets anyone who can read the repository sign images as you. Remove it, rotate it, keep the key in a secret or a KMS (`cosign sign --key awskms://\u2026`), or switch to keyless signing.",
};
