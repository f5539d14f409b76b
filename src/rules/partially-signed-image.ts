import type { RuleDefinition } from './rule.js';

export const partiallySignedImage: RuleDefinition = {
  id: 'partially-signed-image',
  severity: 'error',
  area: 'signing',
  description: "An image is signed on some push paths but pushed unsigned on others.",
  help: "A path that pushes without signing (another workflow, a narrower `if:` on the sign step, `continue-on-error: true`, another event) publishes an unsigned image under the same name. Sign on every path that pushes, with the same guard as the push.",
};
