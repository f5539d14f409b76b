import type { RuleDefinition } from './rule.js';

export const keylessWithoutIdToken: RuleDefinition = {
  id: 'keyless-without-id-token',
  severity: 'error',
  area: 'signing',
  description: "Keyless signing runs in a job without `id-token: write`.",
  help: "Keyless (Fulcio) signing needs a GitHub OIDC token. Without `permissions: id-token: write` on the job (or workflow) the sign step fails or falls back to an interactive flow. Grant `id-token: write` on the signing job only.",
};
