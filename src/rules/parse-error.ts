import type { RuleDefinition } from './rule.js';

export const parseError: RuleDefinition = {
  id: 'parse-error',
  severity: 'warning',
  area: 'input',
  kind: 'tool-health',
  fix: "Fix the syntax, or ignore the file in the configuration with a reason.",
  description: "A pipeline or policy file could not be parsed.",
  help: "A malformed file is skipped. Fix the syntax; if the file is intentionally invalid (a test fixture), ignore it in the configuration with a reason.",
  example: {
    bad: "on: push\njobs:\n  build:\n    steps:\n      - run: echo \"unterminated",
    good: "on: push\njobs:\n  build:\n    steps:\n      - run: echo \"terminated\"",
  },
};
