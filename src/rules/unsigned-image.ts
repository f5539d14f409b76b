import type { RuleDefinition } from './rule.js';

export const unsignedImage: RuleDefinition = {
  id: 'unsigned-image',
  severity: 'error',
  area: 'signing',
  description: "A container image that CI pushes to a registry is never signed.",
  help: "Anyone with push access to the registry can replace the tag, and every later deployment pulls the replacement (CWE-494). Sign the pushed digest in the same job, after the push: for example `cosign sign --yes <image>@${{ steps.build.outputs.digest }}` with `id-token: write` for keyless signing, or `notation sign`.",
};
