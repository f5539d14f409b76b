import { checkAttestationOnly } from './attestation-only.js';
import { checkCommittedPrivateKey } from './committed-private-key.js';
import { checkDockerContentTrust } from './docker-content-trust.js';
import { checkKeylessWithoutIdToken } from './keyless-without-id-token.js';
import { checkPartiallySignedImage } from './partially-signed-image.js';
import { checkSignedByTag } from './signed-by-tag.js';
import { checkSigningKeyNotSecret } from './signing-key-not-secret.js';
import { checkUnsignedImage } from './unsigned-image.js';
import type { SigningCheck } from './signing-model.js';

/** The signing rules, run in this order over the SigningModel. */
export const SIGNING_CHECKS: readonly SigningCheck[] = [
  checkUnsignedImage,
  checkPartiallySignedImage,
  checkSignedByTag,
  checkAttestationOnly,
  checkKeylessWithoutIdToken,
  checkSigningKeyNotSecret,
  checkCommittedPrivateKey,
  checkDockerContentTrust,
];
