import type { RuleDefinition } from './rule.js';

export const imageNotCovered: RuleDefinition = {
  id: 'image-not-covered',
  severity: 'error',
  area: 'enforcement',
  kind: 'security',
  fix: "Add the image (or a glob that matches it) to an enforcing policy.",
  description: "No enforcing policy matches a pushed image.",
  help: "An image that no enforcing policy's patterns match is admitted without verification. Add its name (or a glob that matches it) to an enforcing policy.",
  example: {
    bad: "verifyImages:\n  - imageReferences: [\"ghcr.io/acme/web*\"]   # ghcr.io/acme/api is pushed too",
    good: "verifyImages:\n  - imageReferences: [\"ghcr.io/acme/*\"]",
  },
};
