import type { RuleDefinition } from './rule.js';

export const dockerContentTrust: RuleDefinition = {
  id: 'docker-content-trust',
  severity: 'note',
  area: 'signing',
  description: "An image is signed with Docker Content Trust, which is being retired.",
  help: "Docker Content Trust (Notary v1) still counts as signing, but Docker is retiring it. Plan a move to Cosign or Notation signatures.",
};
