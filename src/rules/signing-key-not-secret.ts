import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const signingKeyNotSecret: RuleDefinition = {
  id: 'signing-key-not-secret',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Pass the key and its password from `${{ secrets.… }}`, or use a KMS URI.",
  description: "A signing key or its password does not come from a secret or a KMS.",
  help: "A key or password written in the workflow, or read from a file in the repository, is readable by everyone with read access. Pass it from `${{ secrets.\u2026 }}` (e.g. `env: COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}` with `--key env://COSIGN_PRIVATE_KEY`) or use a KMS URI.",
  example: {
    bad: "- env:\n    COSIGN_PASSWORD: hunter2\n  run: cosign sign --yes --key cosign.key ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
    good: "- env:\n    COSIGN_PASSWORD: ${{ secrets.COSIGN_PASSWORD }}\n  run: cosign sign --yes --key awskms:///alias/release ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Keys and key passwords that are written in the pipeline or read from a file in the repository. */
export const checkSigningKeyNotSecret: SigningCheck = (model) => {
  const out = [];
  const seen = new Set<string>();
  for (const sign of model.signs) {
    if (sign.guard.neverRuns) continue;
    for (const [what, material] of [['key', sign.key], ['password', sign.password]] as const) {
      if (!material || !['literal', 'file', 'env'].includes(material.source)) continue;
      const k = `${material.location.file}:${material.location.line}:${what}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const how = material.source === 'literal' ? 'is written in the pipeline' : material.source === 'file' ? `is read from ${material.value}, a file in the repository` : `comes from an environment variable that is not set from a secret`;
      out.push(makeFinding(signingKeyNotSecret, `The signing ${what} for ${sign.tool} ${how}. Use \${{ secrets.… }} (e.g. --key env://COSIGN_PRIVATE_KEY) or a KMS URI.`, material.location, [{ ...sign.location, message: 'used by this signing step' }]));
    }
  }
  return out;
};
