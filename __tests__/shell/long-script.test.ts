import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushes, run } from './helpers.js';

before(async () => {
  await loadShellParser();
});

/** A 200-line release script in the usual shapes: variables, a function, loops, output writes, pushes and signs. */
function releaseScript(lines: number): string {
  const out = ['set -euo pipefail', 'REGISTRY=${REGISTRY:-ghcr.io/acme}', 'publish() {', '  docker push "$1"', '  cosign sign --yes "$1"', '}'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`IMAGE_${i}="\${REGISTRY}/svc-${i}:\${{ github.sha }}"`);
    out.push(`docker buildx build --platform linux/amd64 -t "$IMAGE_${i}" --push ./svc-${i}`);
    out.push(`echo "image_${i}=$IMAGE_${i}" >> "$GITHUB_OUTPUT"`);
    out.push(`for arch in amd64 arm64; do publish "\${REGISTRY}/svc-${i}:$arch"; done`);
    out.push(`if [ -n "\${DEBUG:-}" ]; then echo "built ${i}"; fi`);
  }
  return out.slice(0, lines).join('\n');
}

// Speed is measured by `npm run bench`, never asserted in a test; this test checks the result on a long script.
test('a 200-line release script: every push in the loops and functions is found', () => {
  const result = run(releaseScript(200));
  assert.ok(pushes(result).length > 100, `only ${pushes(result).length} pushes`);
});
