import type { RuleDefinition } from './rule.js';
import { unsignedImage } from './unsigned-image.js';
import { partiallySignedImage } from './partially-signed-image.js';
import { signedByTag } from './signed-by-tag.js';
import { keylessWithoutIdToken } from './keyless-without-id-token.js';
import { committedPrivateKey } from './committed-private-key.js';
import { signingKeyNotSecret } from './signing-key-not-secret.js';
import { attestationOnly } from './attestation-only.js';
import { notInspected } from './not-inspected.js';
import { parseError } from './parse-error.js';
import { inputBoundExceeded } from './input-bound-exceeded.js';
import { analysisBudgetExceeded } from './analysis-budget-exceeded.js';
import { dockerContentTrust } from './docker-content-trust.js';
import { noAdmissionEnforcement } from './no-admission-enforcement.js';
import { enforcementAdvisoryOnly } from './enforcement-advisory-only.js';
import { imageNotCovered } from './image-not-covered.js';
import { policyTrustMismatch } from './policy-trust-mismatch.js';
import { namespaceNotOptedIn } from './namespace-not-opted-in.js';
import { webhookFailsOpen } from './webhook-fails-open.js';
import { requiredImageMissing } from './required-image-missing.js';
import { configError } from './config-error.js';
import { unresolvedPush } from './unresolved-push.js';
import { signatureNotInRegistry } from './signature-not-in-registry.js';
import { signatureIdentityMismatch } from './signature-identity-mismatch.js';
import { onlineCheckFailed } from './online-check-failed.js';

/** Every rule, in documentation order. A finding whose id is not here is a programming error. */
export const RULES: readonly RuleDefinition[] = [
  unsignedImage,
  partiallySignedImage,
  signedByTag,
  keylessWithoutIdToken,
  committedPrivateKey,
  signingKeyNotSecret,
  attestationOnly,
  notInspected,
  unresolvedPush,
  parseError,
  inputBoundExceeded,
  analysisBudgetExceeded,
  dockerContentTrust,
  noAdmissionEnforcement,
  enforcementAdvisoryOnly,
  imageNotCovered,
  policyTrustMismatch,
  namespaceNotOptedIn,
  webhookFailsOpen,
  requiredImageMissing,
  configError,
  signatureNotInRegistry,
  signatureIdentityMismatch,
  onlineCheckFailed,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): RuleDefinition {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown rule id: ${id}`);
  return rule;
}

export type { RuleDefinition } from './rule.js';
