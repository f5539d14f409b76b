import type { RuleDefinition } from './rule.js';

export const unresolvedPush: RuleDefinition = {
  id: 'unresolved-push',
  severity: 'warning',
  area: 'signing',
  kind: 'tool-health',
  fix: "Write the name as a literal, an `env:` value or an input, or sign the digest it pushed.",
  description: 'A push whose image name is computed at run time (command output, `read`, `envsubst`), so no image can be named or judged.',
  help: "The name is made by a command the analysis does not run, so it is not counted as an image and its signing is not judged. Write the name where the analysis can read it (a literal, an `env:` value, a workflow input or a build-push/metadata action), or sign the exact digest the push produced in the same step. When such pushes are the only ones, the verdict is `fail`, not `not-applicable`: something is pushed. Suppress the finding with a reason to accept it.",
  example: {
    bad: "- run: |\n    read -r tag < tag.txt\n    docker push \"$tag\"",
    good: "- env:\n    IMAGE: ghcr.io/acme/app\n  run: |\n    docker push \"$IMAGE:$VERSION\"\n    cosign sign --yes \"$IMAGE@$(crane digest \"$IMAGE:$VERSION\")\"",
  },
};
