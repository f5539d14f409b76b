import type { RuleDefinition } from './rule.js';

export const configError: RuleDefinition = {
  id: 'config-error',
  severity: 'error',
  area: 'configuration',
  kind: 'tool-health',
  fix: "Fix the entry at this line.",
  description: "The action's configuration file is invalid.",
  help: "The configuration file could not be read or validated; the analysis ran with defaults for the invalid parts. Fix the entry at the reported line.",
  example: {
    bad: "ignore:\n  - rule: signed-by-tag\n    path: .github/workflows/legacy.yml   # no reason",
    good: "ignore:\n  - rule: signed-by-tag\n    path: .github/workflows/legacy.yml\n    reason: legacy images are retired in Q3; tracked in ACME-123",
  },
};
