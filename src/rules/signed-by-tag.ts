import { signsByDigest } from '../engine/judge.js';
import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const signedByTag: RuleDefinition = {
  id: 'signed-by-tag',
  severity: 'warning',
  area: 'signing',
  description: "A signature targets a mutable tag instead of the image digest.",
  help: "Signing `image:tag` resolves the tag at signing time; if the tag moved between push and sign, the wrong image is signed. Sign `image@sha256:\u2026` using the digest output of the push step.",
  example: {
    bad: "- run: cosign sign --yes ghcr.io/acme/api:latest",
    good: "- run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Counted signatures that name a mutable tag rather than the digest. */
export const checkSignedByTag: SigningCheck = (model) => {
  const out = [];
  for (const img of model.images) {
    for (const sign of img.signatures) {
      if (signsByDigest(sign, img.name)) continue;
      out.push(
        makeFinding(signedByTag, `${img.name} is signed by tag (${sign.tool}), not by digest: if the tag moves between push and signing, another image gets the signature. Sign ${img.name}@<digest>.`, sign.location, [{ ...img.paths[0]!.push.location, message: 'pushed here' }], img.name),
      );
    }
  }
  return out;
};
