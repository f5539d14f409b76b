import type { RuleDefinition } from './rule.js';

export const signedByTag: RuleDefinition = {
  id: 'signed-by-tag',
  severity: 'warning',
  area: 'signing',
  description: "A signature targets a mutable tag instead of the image digest.",
  help: "Signing `image:tag` resolves the tag at signing time; if the tag moved between push and sign, the wrong image is signed. Sign `image@sha256:\u2026` using the digest output of the push step.",
};
