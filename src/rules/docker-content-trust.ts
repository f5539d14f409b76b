import { makeFinding, type SigningCheck } from './signing-model.js';
import type { RuleDefinition } from './rule.js';

export const dockerContentTrust: RuleDefinition = {
  id: 'docker-content-trust',
  severity: 'note',
  area: 'signing',
  kind: 'security',
  fix: "Plan a move to Cosign or Notation signatures.",
  description: "An image is signed with Docker Content Trust, which is being retired.",
  help: "Docker Content Trust (Notary v1) still counts as signing, but Docker is retiring it. Plan a move to Cosign or Notation signatures.",
  example: {
    bad: "- env:\n    DOCKER_CONTENT_TRUST: 1\n  run: docker push docker.io/acme/api:1.0",
    good: "- run: docker push docker.io/acme/api:1.0\n- run: cosign sign --yes docker.io/acme/api@${DIGEST}",
  },
};

/** Images signed with Docker Content Trust (still counted, being retired). */
export const checkDockerContentTrust: SigningCheck = (model) =>
  model.images
    .filter((img) => img.methods.includes('docker-content-trust'))
    .map((img) =>
      makeFinding(
        dockerContentTrust,
        `${img.name} is signed with Docker Content Trust (Notary v1), which Docker is retiring; plan a move to Cosign or Notation.`,
        img.signatures.find((s) => s.method === 'docker-content-trust')!.location,
        [],
        img.name,
      ),
    );
