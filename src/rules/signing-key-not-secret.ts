import type { RuleDefinition } from './rule.js';

export const signingKeyNotSecret: RuleDefinition = {
  id: 'signing-key-not-secret',
  severity: 'error',
  area: 'signing',
  description: "A signing key or its password does not come from a secret or a KMS.",
  help: "A key or password written in the workflow, or read from a file in the repository, is readable by everyone with read access. Pass it from `${{ secrets.\u2026 }}` (e.g. `env: COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}` with `--key env://COSIGN_PRIVATE_KEY`) or use a KMS URI.",
};
