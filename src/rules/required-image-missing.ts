import type { RuleDefinition } from './rule.js';

export const requiredImageMissing: RuleDefinition = {
  id: 'required-image-missing',
  severity: 'error',
  area: 'configuration',
  kind: 'tool-health',
  fix: "Restore a push the analysis can read, or update `require-images`.",
  description: "An image the configuration requires was not found among the pushed images.",
  help: "The configuration's `require-images` lists images that must be found. A refactor that moves the push where the analyzer cannot see it would otherwise pass silently. Restore a readable push, or update the configuration.",
  example: {
    bad: "# .github/image-signing-audit.yml\nrequire-images:\n  - ghcr.io/acme/api     # the push moved into a script the analyzer cannot see",
    good: "require-images:\n  - ghcr.io/acme/api     # and the release workflow pushes it visibly",
  },
};
