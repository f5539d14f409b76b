import type { Location, RelatedLocation } from '../model/location.js';
import type { EnforcementMode } from '../model/report.js';

/**
 * The admission stage's own view of a policy, richer than the report's EnforcementReport: how its patterns
 * match (each engine has its own wildcard rules) and what trust it requires. Readers build these; coverage
 * and trust comparison consume them.
 */

/** The engines whose image patterns we know how to match. */
export type PatternDialect = 'kyverno' | 'sigstore' | 'connaisseur' | 'portieris' | 'kubewarden' | 'binauthz' | 'all';

/** Which signature scheme an authority verifies. `cosign` covers Sigstore bundles and attestations too. */
export type SignatureScheme = 'cosign' | 'notation' | 'dct' | 'simple' | 'any';

export interface KeylessIdentity {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
  /** Kyverno and Kubewarden allow `*` wildcards in the subject. */
  subjectWildcards?: boolean;
  /** Kubewarden's githubActions matcher: owner (and optionally repo) of the signing workflow. */
  githubOwner?: string;
  githubRepo?: string;
}

/** One way a policy accepts an image. Within a group, any authority suffices; every group must be satisfied. */
export interface Authority {
  kind: 'key' | 'keyless' | 'static-pass' | 'static-fail' | 'opaque';
  scheme: SignatureScheme;
  /** PEM public keys or certificates written in the policy. */
  pems?: string[];
  /** A key the repository cannot show (cluster secret, KMS URI, ConfigMap lookup), as written. */
  keyRef?: string;
  identities?: KeylessIdentity[];
  /** True when the authority verifies an attestation rather than an image signature. */
  attestation: boolean;
  /** policy-controller `signatureFormat` (default legacy for signature authorities). */
  signatureFormat?: 'legacy' | 'bundle';
  /** Sigstore bundle verification requested (Kyverno `type: SigstoreBundle`). */
  bundle?: boolean;
  location: Location;
  /** Short description for messages ("key authority", "keyless GitHub Actions identity"). */
  label: string;
}

export interface ImagePattern {
  /** As written in the policy. */
  raw: string;
  dialect: PatternDialect;
  location: Location;
}

export interface Policy {
  engine: string;
  kind: string;
  name: string;
  mode: EnforcementMode;
  location: Location;
  /** Where the mode was decided (the field, the patch, the webhook); absent when it is the engine's default. */
  modeLocation?: RelatedLocation;
  patterns: ImagePattern[];
  /** Patterns that exempt images (Kyverno skipImageReferences, Binary Authorization admission whitelist). */
  exemptions: ImagePattern[];
  /** AND of OR-groups of authorities. Empty: the policy verifies nothing we can model (trust not checked). */
  trust: Authority[][];
  counted: boolean;
  /** Why a counted policy counts (what deploys it), once the deployment index has been consulted. */
  deployedBy?: string;
  /** Why the policy does not count, when known (examples folder, nothing deploys it, disabled Helm block…). */
  notCountedReason?: string;
  notes: string[];
  /** Gatekeeper-style fail-open webhook: the policy denies while the webhook answers, and admits when it does not. */
  failsOpen?: string;
  /** Why the policy is advisory even in enforce mode (static pass authority, fail-open webhook). */
  advisoryReason?: string;
  /** Connaisseur-style rule lists: the most specific matching pattern decides, and it may verify nothing. */
  ruleSelection?: Array<{ pattern: ImagePattern; verifies: boolean; validator: string; trust: Authority[][] }>;
  /** Used to re-key the policy for Kustomize patches: the object's kind and metadata.name as written. */
  objectRef?: { kind: string; name: string };
}

/** An engine installation (webhook, Helm release) seen without being a policy. */
export interface Installation {
  engine: string;
  what: string;
  location: Location;
  counted: boolean;
  /** Webhook failure policy when the installation states it. */
  failurePolicy?: 'Fail' | 'Ignore';
  failurePolicyLocation?: Location;
}

export interface NamespaceManifest {
  name: string;
  location: Location;
  notCountedReason?: string;
  /** Value of the `policy.sigstore.dev/include` label, when present. */
  include?: string;
  counted: boolean;
}

/** What the readers of one file found. */
export interface ReadOutcome {
  policies: Policy[];
  installations: Installation[];
  namespaces: NamespaceManifest[];
  parseErrors: Array<{ location: Location; message: string }>;
  limits: string[];
}

export function emptyOutcome(): ReadOutcome {
  return { policies: [], installations: [], namespaces: [], parseErrors: [], limits: [] };
}
