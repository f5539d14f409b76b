import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptMayMatter } from '../../src/shell/script-relevance.js';

test('scripts that name a push, sign or build tool, make, a repository script or GITHUB_ENV may matter', () => {
  for (const s of [
    'docker push ghcr.io/a/b:1',
    '$DOCKER push x',
    '$COSIGN_CLI sign --yes x',
    'make release',
    './hack/publish',
    'cd x && ../scripts/release',
    'echo "tag=1" >> "$GITHUB_OUTPUT"',
    'source ./env.sh',
    'ko build ./cmd/app',
    'bash -c "crane copy a b"',
    // Quoted text that a shell runs, and quotes that a comment, double quotes or a here-document hold, hide nothing.
    "eval '. ./env.sh'",
    "ssh host 'docker push x'",
    "cd x # don't forget\n. ./env.sh\necho 'done'",
    'echo "it\'s"\n. ./env.sh\necho \'x\'',
    "cat <<EOF\nit's here\nEOF\n. ./env.sh\necho 'x'",
    "jq -r '.a' f\n  scripts/publish --all",
    "echo 'unclosed\n. ./env.sh",
  ])
    assert.ok(scriptMayMatter(s), s);
});

test('test runners, linters and report scripts are skipped, also when a comment names a tool', () => {
  for (const s of [
    'go test ./...',
    'npm ci && npm test',
    'kubectl apply -f config/crds',
    'yq eval ".spec.skip = true" -i test.yaml',
    '# Usage: release.sh <version>\necho done',
    'chainsaw test --config .chainsaw.yaml',
    // A jq program's lines are data, not `source` or a script call.
    "jq -r --arg job \"$job\" '\n  . as $r |\n  ($r.totals | tostring)\n' \"$f\"",
    "awk '\n  foo/bar { print }\n' x",
  ])
    assert.ok(!scriptMayMatter(s), s);
});
