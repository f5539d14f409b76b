import type { RuleDefinition } from './rule.js';

export const notInspected: RuleDefinition = {
  id: 'not-inspected',
  severity: 'warning',
  area: 'input',
  description: "Part of the pipeline could not be read (a remote reusable workflow or action, or an unreadable file).",
  help: "Images pushed by pipeline parts that were not inspected cannot be judged. Provide the remote repositories with `remote-checkouts`, or a `github-token` so the action can read them through the API.",
};
