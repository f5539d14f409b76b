import type { RuleDefinition } from './rule.js';

export const analysisBudgetExceeded: RuleDefinition = {
  id: 'analysis-budget-exceeded',
  severity: 'error',
  area: 'input',
  kind: 'tool-health',
  fix: "Simplify the file named; if it is intended, ignore the rule for its path with a reason.",
  description: 'The analysis budget (work, value length, deadline) or a call cycle stopped part of the analysis, so the check fails closed.',
  help:
    "The scanned tree is untrusted, so the work it can cause is bounded: one budget of work for the whole run (text built, expansions, interpreted commands, job-graph edges, pattern-matching steps), a cap on the length of any one computed value, and a wall-clock deadline. When the budget runs out, the part being analysed stops where it was and everything found so far is reported; a value longer than the cap is unknown; a reusable workflow or composite action that calls itself is followed once and the cycle is cut. What was not analysed may push or sign, so the finding is an error at the place the work stopped. Real pipelines stay far below these bounds: simplify the file named (a script that builds huge values, a self-calling workflow), or, if it is intentional and irrelevant, ignore this rule for its path in the configuration with a reason.",
  example: {
    bad: '# .github/workflows/a.yml: a reusable workflow whose jobs call the same workflow again\njobs:\n  again:\n    uses: ./.github/workflows/a.yml',
    good: '# each reusable workflow is called by its callers, never by itself\njobs:\n  release:\n    uses: ./.github/workflows/release.yml',
  },
};
