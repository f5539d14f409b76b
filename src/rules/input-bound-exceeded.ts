import type { RuleDefinition } from './rule.js';

export const inputBoundExceeded: RuleDefinition = {
  id: 'input-bound-exceeded',
  severity: 'error',
  area: 'input',
  kind: 'tool-health',
  fix: "Keep pipeline files small and textual; to skip one, ignore its path with a reason.",
  description: 'A bound (size, binary content, file count, depth) kept a pipeline file from being read, so the check fails closed.',
  help:
    "The scanned tree is untrusted, so files over 1 MiB, files with a NUL byte in their first 8 KiB, and whatever lies past the walk's count and depth bounds are not read. When that file is a workflow, an action, a script a pipeline runs, a Makefile, a goreleaser/bake/ko configuration or a manifest the analysis was sent to, what it pushes or signs is unknown, and a pass would be a guess. Keep pipeline files small and textual (move generated data out of them); if the file is intentionally large and irrelevant, ignore this rule for its path in the configuration with a reason.",
  example: {
    bad: '# scripts/release.sh: `docker push ghcr.io/acme/api` followed by 1 MB of comments\n- run: ./scripts/release.sh',
    good: '# scripts/release.sh: the push and its signing, nothing else\n- run: ./scripts/release.sh',
  },
};
