import type { RuleDefinition } from './rule.js';

export const requiredImageMissing: RuleDefinition = {
  id: 'required-image-missing',
  severity: 'error',
  area: 'configuration',
  description: "An image the configuration requires was not found among the pushed images.",
  help: "The configuration's `require-images` lists images that must be found. A refactor that moves the push where the analyzer cannot see it would otherwise pass silently. Restore a readable push, or update the configuration.",
};
