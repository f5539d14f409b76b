import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const keylessWithoutIdToken: RuleDefinition = {
  id: 'keyless-without-id-token',
  severity: 'error',
  area: 'signing',
  kind: 'security',
  fix: "Grant `permissions: id-token: write` on the signing job.",
  description: "Keyless signing runs in a job without `id-token: write`.",
  help: "Keyless (Fulcio) signing needs a GitHub OIDC token. Without `permissions: id-token: write` on the job (or workflow) the sign step fails or falls back to an interactive flow. Grant `id-token: write` on the signing job only.",
  example: {
    bad: "jobs:\n  release:\n    permissions:\n      packages: write\n    steps:\n      - run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
    good: "jobs:\n  release:\n    permissions:\n      packages: write\n      id-token: write\n    steps:\n      - run: cosign sign --yes ghcr.io/acme/api@${{ steps.build.outputs.digest }}",
  },
};

/** Keyless signing (Fulcio) in a job that cannot get an OIDC token. */
export const checkKeylessWithoutIdToken: SigningCheck = (model) => {
  const out = [];
  for (const sign of model.signs) {
    // An explicitly passed identity token (a test OIDC issuer, another CI's token) does not need GitHub's.
    if (!sign.keyless || sign.identityToken || sign.guard.neverRuns || !sign.jobKey) continue;
    // Attestations by actions/attest and the SLSA generator also need the token; the SLSA generator grants its own.
    if (sign.tool.startsWith('slsa-framework/')) continue;
    const job = model.jobs.get(sign.jobKey);
    if (!job || job.idTokenWrite) continue;
    // GitLab hands a job an OIDC token only through `id_tokens:` (https://docs.gitlab.com/ci/yaml/signing_examples/).
    if (job.ci === 'gitlab-ci') {
      out.push(
        makeFinding(keylessWithoutIdToken, `Keyless signing (${sign.tool}) runs in a GitLab CI job without \`id_tokens:\`; cosign cannot get an OIDC token there. Add \`id_tokens: { SIGSTORE_ID_TOKEN: { aud: sigstore } }\` to the job.`, sign.location, [{ ...job.location, message: 'job without id_tokens:' }]),
      );
      continue;
    }
    out.push(
      makeFinding(keylessWithoutIdToken, `Keyless signing (${sign.tool}) runs in a job without \`permissions: id-token: write\`; it cannot get a GitHub OIDC token. Grant id-token: write on this job.`, sign.location, [{ ...job.location, message: 'job without id-token: write' }]),
    );
  }
  return dedupe(out);
};

function dedupe<T extends { location: { file: string; line: number }; message: string }>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${x.location.file}:${x.location.line}:${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
