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

test('a 200-line script is analysed in a few milliseconds once the parser is loaded', () => {
  const script = releaseScript(200);
  run(script); // warm-up (JIT)
  const runs = 20;
  const t0 = performance.now();
  let result = run(script);
  for (let i = 1; i < runs; i++) result = run(script);
  const perRun = (performance.now() - t0) / runs;
  console.log(`analyzeRunScript, 200-line script: ${perRun.toFixed(2)} ms per run`);
  assert.ok(pushes(result).length > 100);
  assert.ok(perRun < 100, `took ${perRun} ms`);
});
