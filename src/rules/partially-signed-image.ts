import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const partiallySignedImage: RuleDefinition = {
  id: 'partially-signed-image',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Sign on every path that pushes, under the same `if:` as the push, not `continue-on-error`.",
  description: "An image is signed on some push paths but pushed unsigned on others.",
  help: "A path that pushes without signing (another workflow, a narrower `if:` on the sign step, `continue-on-error: true`, another event) publishes an unsigned image under the same name. Sign on every path that pushes, with the same guard as the push.",
  example: {
    bad: "- id: build\n  uses: docker/build-push-action@v6\n  with: { push: true, tags: ghcr.io/acme/api:edge }\n- if: github.event_name == 'release'   # pushes on main are never signed\n  run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
    good: "- id: build\n  uses: docker/build-push-action@v6\n  with: { push: true, tags: ghcr.io/acme/api:edge }\n- run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Images signed on some push paths and pushed unsigned on others. */
export const checkPartiallySignedImage: SigningCheck = (model) =>
  model.images
    .filter((img) => img.partially)
    .map((img) => {
      const unsigned = img.paths.filter((p) => p.signedBy.length === 0);
      const first = unsigned[0]!;
      const reason = first.rejected[0] ? ` (the signing step does not count there: ${first.rejected[0].reason})` : '';
      return makeFinding(
        partiallySignedImage,
        `${img.name} is signed on ${img.paths.length - unsigned.length} of ${img.paths.length} push paths; the push here is not followed by a signature${reason}.`,
        first.push.location,
        [
          ...unsigned.slice(1).map((p) => ({ ...p.push.location, message: 'also pushed unsigned here' })),
          ...img.signatures.map((s) => ({ ...s.location, message: 'signed on another path here' })),
        ],
        img.name,
      );
    });
