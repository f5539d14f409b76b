import { signsByDigest } from '../engine/judge.js';
import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const signedByTag: RuleDefinition = {
  id: 'signed-by-tag',
  severity: 'warning',
  area: 'signing',
  kind: 'security',
  fix: "Sign IMAGE@DIGEST, using the digest output of the push step.",
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
  const seen = new Set<string>();
  for (const img of model.images) {
    for (const sign of img.signatures) {
      if (signsByDigest(sign, img.name, model.signs)) continue;
      // One finding per image and signing line, however many callers reach that line.
      const key = `${img.name}\u0000${sign.location.file}:${sign.location.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // A reference computed at run time (`cosign sign $(make publish)`) may or may not name the digest: say so
      // rather than claim a tag.
      const computed = sign.refs.length === 0 || sign.refs.every((r) => !r.resolved && r.digest === undefined && r.tag === undefined);
      const message = computed
        ? `${img.name} may be signed by tag: the reference ${sign.tool} signs is computed at run time (${sign.refs[0]?.raw ?? 'unknown'}), so whether it names the digest cannot be seen. Make it name ${img.name}@<digest>.`
        : `${img.name} is signed by tag (${sign.tool}), not by digest: if the tag moves between push and signing, another image gets the signature. Sign ${img.name}@<digest>.`;
      out.push(makeFinding(signedByTag, message, sign.location, [{ ...img.paths[0]!.push.location, message: 'pushed here' }], img.name));
    }
  }
  return out;
};
