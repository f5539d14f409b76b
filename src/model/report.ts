import type { Severity } from './finding.js';
import type { RelatedLocation } from './location.js';

/**
 * The versioned report contract (JSON format, version 1). Every output — text, JSON, SARIF, annotations,
 * step summary, action outputs — is rendered from one Report, so they cannot disagree.
 * Adding optional fields is compatible; renaming or removing one needs version 2.
 */
export const REPORT_VERSION = 1 as const;

export type Verdict = 'pass' | 'fail' | 'not-applicable';
export type Confidence = 'high' | 'medium' | 'low';

/** How a signature (or equivalent) is produced. */
export type SignMethod =
  | 'cosign-keyless'
  | 'cosign-key'
  | 'cosign-kms'
  | 'cosign-attest'
  | 'notation'
  | 'docker-content-trust'
  | 'goreleaser-cosign'
  | 'attestation';

/**
 * The CI system whose pipeline performs a push or a signature (src/ci/<system>/ reads it). A repository can build in
 * several: the report says which one each push and signature comes from.
 */
export type CiSystem =
  | 'github-actions'
  | 'gitlab-ci'
  | 'cloud-build'
  // Systems without a reader yet (src/ci/unread/): their pipeline files are detected, and a file that shows image
  // work stands as one push not inspected, so the verdict fails closed.
  | 'jenkins'
  | 'tekton'
  | 'circleci'
  | 'azure-pipelines'
  | 'buildkite'
  | 'drone'
  | 'woodpecker'
  | 'bitbucket-pipelines';

export const CI_SYSTEM_NAMES: Readonly<Record<CiSystem, string>> = {
  'github-actions': 'GitHub Actions',
  'gitlab-ci': 'GitLab CI',
  'cloud-build': 'Google Cloud Build',
  jenkins: 'Jenkins',
  tekton: 'Tekton',
  circleci: 'CircleCI',
  'azure-pipelines': 'Azure Pipelines',
  buildkite: 'Buildkite',
  drone: 'Drone',
  woodpecker: 'Woodpecker CI',
  'bitbucket-pipelines': 'Bitbucket Pipelines',
};

export interface ReportLocation {
  file: string;
  line: number;
}

export interface ImageReport {
  /** Normalized registry/repository name (docker.io/ added where the registry is implicit); unresolved parts kept as written. */
  name: string;
  signed: boolean;
  methods: SignMethod[];
  /** true: every counted signature targets the digest; false: some target a mutable tag; null: unsigned. */
  byDigest: boolean | null;
  confidence: Confidence;
  /** Where the image is pushed, and by which CI system (`ci` is absent only in reports of version 1 made before it existed). */
  pushes: Array<ReportLocation & { ci?: CiSystem }>;
  signatures: Array<ReportLocation & { method: SignMethod; ci?: CiSystem }>;
  /** Tags seen for the image (informational). */
  tags?: string[];
  /** Enforcing policies that cover this image: "engine kind/name (file:line)". Filled by the enforcement stage. */
  coveredBy?: string[];
  /** Why the image is low confidence (e.g. "pushed by remote workflow owner/repo/x.yml@v1, not inspected"). */
  notes?: string[];
  /** What the registry serves today (only with `confirm-online`): src/online/ fills it. */
  online?: OnlineImageReport;
}

/**
 * confirmed: a verified signature of the current digest made by this repository's workflow; attested-only: only
 * verified attestations; invalid: signatures found, none verifies (or none is this repository's); missing: none
 * found; not-checked: the check could not run (then `reason` says why).
 */
export type OnlineStatus = 'confirmed' | 'attested-only' | 'invalid' | 'missing' | 'not-checked';

export interface OnlineEvidence {
  format: 'sigstore-bundle' | 'cosign-legacy' | 'notation' | 'github-attestation' | 'docker-content-trust';
  /** Where it was found: `referrer sha256:… (fallback tag sha256-…)`, `tag sha256-….sig`. */
  location: string;
  result: 'verified' | 'identity-mismatch' | 'wrong-subject' | 'invalid' | 'not-checked';
  kind?: 'signature' | 'attestation';
  detail: string;
  /** The signer's identity, when the certificate verified. */
  identity?: { san?: string; issuer?: string; sourceRepository?: string };
}

export interface OnlineImageReport {
  /** The tag or digest checked (`ghcr.io/acme/api:1.2.0`). */
  reference: string;
  /** The digest it resolved to. */
  digest?: string;
  status: OnlineStatus;
  reason?: string;
  evidence: OnlineEvidence[];
  /** Requests made and wall time spent for this image. */
  requests: number;
  ms: number;
}

export interface LocalBuildReport {
  name: string;
  reason: string;
  file: string;
  line: number;
}

/** A non-image OCI artifact the pipelines push (Helm chart, files or an SBOM pushed with oras): listed, not counted. */
export interface ArtifactReport {
  name: string;
  kind: 'helm-chart' | 'oci-artifact';
  /** What pushed it: `helm push`, `oras push`, `oras attach`, `flux push artifact`. */
  tool: string;
  file: string;
  line: number;
  /** Signing operations that name it (listed as found, not judged path by path as images are). */
  signatures?: Array<{ file: string; line: number; method: SignMethod }>;
}

export type EnforcementMode = 'enforce' | 'audit' | 'warn';

export interface EnforcementReport {
  engine: string;
  kind: string;
  name: string;
  mode: EnforcementMode;
  file: string;
  line: number;
  /** The policy's image patterns as written. */
  images: string[];
  /** Pushed image names this policy covers (patterns match and trust is consistent). */
  covers: string[];
  /** Whether the policy counts toward enforcement (false for examples, docs, tests, and what nothing deploys). */
  counted?: boolean;
  /** Why a counted policy counts: what deploys it, with file:line ("listed in k/kustomization.yaml:4, reconciled by …"). */
  deployedBy?: string;
  /** Why a policy does not count (example folder, nothing deploys its kustomization, disabled Helm block, …). */
  notCountedReason?: string;
  notes?: string[];
}

export interface FindingReport {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  image?: string;
  related?: RelatedLocation[];
  suppressed?: { reason: string; source: 'config' | 'inline' };
}

export interface Report {
  version: typeof REPORT_VERSION;
  verdict: Verdict;
  sentence: string;
  /** The repository the names were resolved against (owner/name), when known. */
  repository?: string;
  images: ImageReport[];
  localBuilds: LocalBuildReport[];
  /** Non-image OCI artifacts (present when there are any); they do not count toward the verdict. */
  artifacts?: ArtifactReport[];
  enforcement: EnforcementReport[];
  findings: FindingReport[];
  /** Bounds that were hit and other analysis limits worth knowing (depth, size, alias caps, API failures). */
  limits: string[];
  stats: { filesScanned: number; workflows: number; manifestsParsed: number };
  /**
   * What this tree changes against a base commit (a pull request's base), when one was asked for. The verdict,
   * sentence and every other field still describe the whole tree; only `fail-on: new` gates on this.
   */
  change?: ChangeReport;
}

/** Why a change is worse than its base (`worse`) or merely different (`other`). */
export type ChangeKind =
  | 'new-unsigned-image'
  | 'new-unsigned-path'
  | 'signature-lost'
  | 'signed-by-tag'
  | 'enforcement-weakened'
  | 'enforcement-lost'
  | 'new-error'
  | 'verdict'
  | 'image-added'
  | 'image-removed'
  | 'image-now-signed'
  | 'policy-added'
  | 'findings-resolved';

export interface ChangeItem {
  kind: ChangeKind;
  severity: Severity;
  /** One sentence; it quotes names and paths from the repository. */
  message: string;
  rule?: string;
  image?: string;
  file?: string;
  line?: number;
}

export interface ChangeReport {
  /** compared: the base tree was analysed too; unavailable: it could not be read (then `reason` says why). */
  status: 'compared' | 'unavailable';
  /** The base commit id (when known). */
  base?: string;
  /** Where the base tree came from: the local git objects, a `git fetch` of just that commit, or the REST API. */
  source?: 'git' | 'git-fetch' | 'api';
  reason?: string;
  /** The base tree's verdict (when compared). */
  baseVerdict?: Verdict;
  /** What makes this tree worse than the base: the only thing `fail-on: new` fails on. */
  worse: ChangeItem[];
  /** Differences that do not make it worse (an image added signed, a signature added, a policy added, …). */
  other: ChangeItem[];
  /** Whether signature-verification enforcement changed (when compared): `weakened` when a `worse` item is about enforcement. */
  enforcement?: 'unchanged' | 'weakened' | 'changed';
}
