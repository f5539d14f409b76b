import { makeFinding, type SigningCheck } from './signing-model.js';
import { NO_READER_SUFFIX, NOT_INSPECTED_PREFIX, UNPARSED_SUFFIX } from '../model/pipeline.js';
import type { RuleDefinition } from './rule.js';
import type { CiSystem } from '../model/report.js';

export const unsignedImage: RuleDefinition = {
  id: 'unsigned-image',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Sign the pushed digest after the push, e.g. `cosign sign --yes IMAGE@DIGEST`.",
  description: "A container image that CI pushes to a registry is never signed.",
  help: "Anyone with push access to the registry can replace the tag, and every later deployment pulls the replacement (CWE-494). Sign the pushed digest in the same job, after the push: for example `cosign sign --yes <image>@${{ steps.build.outputs.digest }}` with `id-token: write` for keyless signing, or `notation sign`.",
  example: {
    bad: "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/api:latest",
    good: "- id: build\n  uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/api:latest\n- run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Images with no signed push path at all. */
export const checkUnsignedImage: SigningCheck = (model) =>
  model.images
    .filter((img) => img.signatures.length === 0)
    .map((img) => {
      const [first, ...rest] = img.paths;
      const rejected = img.paths.flatMap((p) => p.rejected);
      const why = rejected.length > 0 ? ` A signing step targets it but does not count: ${rejected[0]!.reason}.` : '';
      const uninspected = img.confidence === 'low' && img.name.startsWith(NOT_INSPECTED_PREFIX);
      return makeFinding(
        unsignedImage,
        uninspected
          ? img.name.endsWith(UNPARSED_SUFFIX)
            ? `${img.name.slice(NOT_INSPECTED_PREFIX.length)} may push an image, and the file could not be parsed, so no signature can be confirmed. Fix the file's syntax (see its parse-error finding), or exclude the image in the configuration with a reason.`
            : img.name.endsWith(NO_READER_SUFFIX)
              ? `${img.name.slice(NOT_INSPECTED_PREFIX.length, -NO_READER_SUFFIX.length)} may push images, and this audit has no reader for that CI system yet, so no signature can be confirmed. Check its images and their signing by hand, then exclude this image in the configuration with a reason.`
              : `${img.name.slice(NOT_INSPECTED_PREFIX.length)} may push images, and it could not be read, so no signature can be confirmed. Make it readable (remote-checkouts or a github-token), or exclude its images in the configuration with a reason.`
          : `${img.name} is pushed but never signed.${why} Sign its digest after the push (${signExample(img.name, first!.push.ci)}).`,
        first!.push.location,
        [...rest.map((p) => ({ ...p.push.location, message: 'also pushed here' })), ...rejected.map((r) => ({ ...r.sign.location, message: `signing step not counted: ${r.reason}` }))],
        img.name,
      );
    });

/** How the pushed digest reaches a signing command in the CI system that pushes it. */
function signExample(name: string, ci: CiSystem | undefined): string {
  if (ci === undefined || ci === 'github-actions') return `e.g. cosign sign --yes ${name}@\${{ steps.<build>.outputs.digest }}`;
  return `e.g. cosign sign --yes ${name}@DIGEST, with the digest the push reports (docker buildx build --metadata-file, crane digest)`;
}
