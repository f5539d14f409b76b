import type { RuleDefinition } from './rule.js';

export const webhookFailsOpen: RuleDefinition = {
  id: 'webhook-fails-open',
  severity: 'warning',
  area: 'enforcement',
  kind: 'security',
  fix: "Set the webhook's `failurePolicy: Fail` once it runs highly available.",
  description: 'An enforcing Gatekeeper constraint sits behind a webhook that fails open.',
  help: "A Gatekeeper constraint with `enforcementAction: deny` (Ratify verification) rejects unverified images whenever the webhook answers, so it counts as enforcing. But Gatekeeper's webhook defaults to `failurePolicy: Ignore`: while Gatekeeper or Ratify is unavailable or times out, every image is admitted unverified. Set the Helm value `validatingWebhookFailurePolicy: Fail` (or `failurePolicy: Fail` on the ValidatingWebhookConfiguration) once the webhook runs highly available.",
  example: {
    bad: "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: RatifyVerification\nspec:\n  enforcementAction: deny\n# Gatekeeper installed with its default validatingWebhookFailurePolicy: Ignore",
    good: "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: gatekeeper\nspec:\n  chart:\n    spec:\n      chart: gatekeeper\n  values:\n    validatingWebhookFailurePolicy: Fail",
  },
};
