import type { RuleDefinition } from './rule.js';

export const configError: RuleDefinition = {
  id: 'config-error',
  severity: 'error',
  area: 'configuration',
  description: "The action's configuration file is invalid.",
  help: "The configuration file could not be read or validated; the analysis ran with defaults for the invalid parts. Fix the entry at the reported line.",
};
