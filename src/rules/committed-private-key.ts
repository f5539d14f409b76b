import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const committedPrivateKey: RuleDefinition = {
  id: 'committed-private-key',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Remove and rotate the key; keep it in a secret or a KMS, or sign keylessly.",
  description: "A private signing key is committed to the repository.",
  help: "A private key in the tree lets anyone who can read the repository sign images as you. Remove it, rotate it, keep the key in a secret or a KMS (`cosign sign --key awskms://\u2026`), or switch to keyless signing.",
  example: {
    bad: "# .github/cosign.key is committed\n- run: cosign sign --key .github/cosign.key ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
    good: "- env:\n    COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}\n    COSIGN_PASSWORD: ${{ secrets.COSIGN_PASSWORD }}\n  run: cosign sign --yes --key env://COSIGN_PRIVATE_KEY ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Private keys found in the tree (test fixtures are reported as warnings). */
export const checkCommittedPrivateKey: SigningCheck = (model) =>
  model.privateKeys.map((k) => ({
    ...makeFinding(
      committedPrivateKey,
      k.testOnly
        ? `A ${k.kind} private key is committed in a test folder. Make sure it never signs anything that ships.`
        : `A ${k.kind} private key is committed to the repository: anyone who can read it can sign as you. Remove it, rotate it, and keep the key in a secret or KMS (or sign keylessly).`,
      k.location,
    ),
    ...(k.testOnly ? { severity: 'warning' as const } : {}),
  }));
