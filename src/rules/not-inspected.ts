import type { RuleDefinition } from './rule.js';

export const notInspected: RuleDefinition = {
  id: 'not-inspected',
  severity: 'warning',
  area: 'input',
  kind: 'tool-health',
  fix: "Provide it with `remote-checkouts`, or give the action a `github-token` to read it.",
  description: "Part of the pipeline could not be read (a remote reusable workflow or action, an unreadable file, or a pipeline of a CI system the audit has no reader for yet).",
  help: "Images pushed by pipeline parts that were not inspected cannot be judged. Provide the remote repositories with `remote-checkouts`, or a `github-token` so the action can read them through the API. A pipeline file of a CI system without a reader yet (Jenkins, Tekton, CircleCI, Azure Pipelines, Buildkite, Drone, Woodpecker, Bitbucket Pipelines) whose text shows image pushing or signing counts as one image not inspected: check its signing by hand and exclude that image in the configuration with the reason.",
  example: {
    bad: "jobs:\n  release:\n    uses: acme/shared/.github/workflows/container.yml@v1   # no checkout, no token",
    good: "- uses: actions/checkout@v4\n  with: { repository: acme/shared, path: remote/acme/shared }\n- uses: image-signing-audit/image-signing-audit@v1\n  with:\n    remote-checkouts: remote",
  },
};
