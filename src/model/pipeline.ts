import type { AnalysisBudget } from '../util/budget.js';
import type { Formula } from '../logic/formula.js';
import type { Finding } from './finding.js';
import type { Location } from './location.js';
import type { CiSystem, Confidence, SignMethod } from './report.js';

/**
 * The intermediate representation between the pipeline readers (workflows, scripts, Makefiles, goreleaser)
 * and the signing judgement: pushes and signatures, each with the path of calls that leads to it.
 */

/** A parsed image reference. Unresolved parts stay as written (`$IMAGE`, `${{ env.X }}`). */
export interface ImageRef {
  /** The reference as it appeared after substitution, e.g. `ghcr.io/o/r:v1@sha256:…`. */
  raw: string;
  /** Normalized repository name without tag or digest (`docker.io/` added where the registry is implicit). */
  name: string;
  tag?: string;
  /** A literal `sha256:…` or a symbolic digest (`$(digest-of-push:…)` and the other forms of src/model/digest.ts, `$DIGEST`). */
  digest?: string;
  /** True when the name has no unresolved variable parts. */
  resolved: boolean;
}

/** The conditions and flags that decide whether a step runs on a given path. */
export interface Guard {
  /**
   * When the operation runs: the conjunction of every condition on the path from the workflow trigger down to it
   * (job and step `if:`, a `push:` that depends on an unknown, the shell branch it sits in).
   */
  formula: Formula;
  /**
   * The part of `formula` added inside a step (the shell branch an operation sits in), so that a cached script
   * analysis can be stamped onto another step's guard.
   */
  local?: Formula;
  continueOnError: boolean;
  /** Non-empty when the operation can never run (e.g. its `if:` names a step id that does not exist). */
  neverRuns?: string;
}

export interface OperationBase {
  /** What did it: `docker push`, `docker/build-push-action`, `ko build`, `cosign sign`, … */
  tool: string;
  /**
   * The CI system whose pipeline runs it. Stamped by the CI layer (src/ci/index.ts) on everything a system's reader
   * returns, so the shared readers below it (shell, make, config readers) never need to know.
   */
  ci?: CiSystem;
  location: Location;
  /** The call chain that reaches `location`, outermost first (workflow step → make target → recipe line). */
  chain: Location[];
  guard: Guard;
  confidence: Confidence;
  /** Identity of the job run this happens in: `<workflow file>#<job id>` (+ caller chain for reusable workflows). */
  jobKey?: string;
  /** Index of the step in its job (ordering), and the `parallel:` group it belongs to if any. */
  stepIndex?: number;
  /** Order within the job run, assigned by the workflow reader (step order, then order inside the step). */
  seq?: number;
  parallelGroup?: number;
  /** Extra context (e.g. how a name was obtained). */
  notes?: string[];
}

export interface PushOp extends OperationBase {
  kind: 'push';
  refs: ImageRef[];
  /** Set when the push goes to an ephemeral registry (localhost, kind, registry service); such pushes are local builds. */
  ephemeral?: string;
  /** The step ids whose digest output names what this push produced (build-push-action `id`). */
  digestFromStep?: string;
  /**
   * The text that stands for the digest this push produced, where the push hands it on at run time (ko's stdout,
   * `--image-refs`, `--digestfile`, `--metadata-file`): `$(digest-of-push:<file>:<line>)` (src/model/digest.ts).
   * A signature whose digest carries this text signs what this push produced.
   */
  digestText?: string;
  /** Set when what is pushed is not a container image (a Helm chart, files or an SBOM pushed with oras): listed as an artifact. */
  artifact?: ArtifactKind;
}

/** Non-image OCI artifacts: Helm charts, and everything else (`oras push`/`attach`, `flux push artifact`, …). */
export type ArtifactKind = 'helm-chart' | 'oci-artifact';

export interface KeyMaterial {
  /** The key reference as written (`cosign.key`, `env://COSIGN_KEY`, `awskms://…`, `${{ secrets.KEY }}`). */
  value: string;
  source: 'secret' | 'kms' | 'k8s' | 'env' | 'file' | 'literal' | 'unknown';
  location: Location;
}

export interface SignOp extends OperationBase {
  kind: 'sign';
  method: SignMethod;
  refs: ImageRef[];
  /** The signature applies to whatever these steps pushed (e.g. attest-build-provenance subject-digest). */
  targetsSteps?: string[];
  /** When the target cannot be resolved to names at all (`cosign sign $(cat refs)`), sign ops apply by proximity. */
  unresolvedTarget?: boolean;
  keyless: boolean;
  /** Keyless signing with an OIDC token passed explicitly (`--identity-token`, SIGSTORE_ID_TOKEN) rather than GitHub's. */
  identityToken?: boolean;
  key?: KeyMaterial;
  password?: KeyMaterial;
  /**
   * Signature storage the command asks for: `legacy` (`--new-bundle-format=false`), `bundle`
   * (`--new-bundle-format[=true]`), or `default` (whatever the installed cosign writes: legacy for cosign 2,
   * bundle for cosign 3). The workflow reader resolves `default` from the cosign-installer version.
   */
  signatureFormat?: 'legacy' | 'bundle' | 'default';
  /**
   * `cosign copy SRC DST` and similar: DST gets SRC's signatures. The judge gives this op the methods of SRC's
   * signatures; `method` is only a fallback when SRC's signing is not seen.
   */
  copiedFrom?: ImageRef;
  /** The workflow file whose run performs the signing (keyless identity), filled by the workflow reader. */
  identityWorkflow?: string;
}

/** Name given to the placeholder image of a pipeline part that could not be read. */
export const NOT_INSPECTED_PREFIX = '(not inspected) ';
/** Ends the name of a push found only by a lexical scan of a file that does not parse (src/detect/hidden-pushes.ts). */
export const UNPARSED_SUFFIX = ' (in a file that does not parse)';
/** Ends the name of the placeholder push of a pipeline file of a CI system with no reader yet (src/ci/unread/). */
export const NO_READER_SUFFIX = ' (no reader for this CI system yet)';

/** What the judge and the signing rules know of one job run, whichever CI system runs it. */
export interface JobFacts {
  jobKey: string;
  /** The CI system that runs the job (decides, e.g., how a keyless signer gets its OIDC token). */
  ci?: CiSystem;
  /** File and line of the job (or the calling job for reusable workflows). */
  location: Location;
  /** The job can get an OIDC token for keyless signing: GitHub's `id-token: write`, GitLab's `id_tokens:`. */
  idTokenWrite: boolean;
  /**
   * True when the job run `jobKey` certainly finishes before this one starts (transitive `needs`, including the
   * jobs of reusable workflows called by a needed job). Answered by the job graph (job-graph.ts) when asked: the
   * full predecessor sets would be quadratic in a long `needs:` chain.
   */
  waitsFor(jobKey: string): boolean;
  /** The pipeline file whose job this is (workflow, `.gitlab-ci.yml`): the keyless signing identity. */
  workflowPath: string;
  /**
   * The keyless certificate subject of the job's signatures, when the pipeline file fixes it (Cloud Build's
   * `serviceAccount:`, whose email Fulcio certifies).
   */
  identitySubject?: string;
  /**
   * The git refs the run can have (`refs/tags/v*`, `refs/heads/main`), from the root workflow's triggers; undefined
   * when a trigger allows any ref (workflow_dispatch, schedule…). Part of the keyless identity.
   */
  refs?: string[];
}

export interface LocalBuild {
  name: string;
  reason: string;
  location: Location;
}

export type Operation = PushOp | SignOp;

/**
 * Where an operation sits in the pipeline, passed down from the workflow reader through scripts, make and
 * config readers so every operation they create carries it.
 */
export interface OpContext {
  /** Call chain so far, outermost first (e.g. the workflow step, then the make target). */
  chain: Location[];
  guard: Guard;
  jobKey: string;
  stepIndex: number;
  parallelGroup?: number;
  /** Registry hosts (with or without port) that are ephemeral in this context, beyond the built-in ones (e.g. a `registry` service container). */
  ephemeralRegistries: string[];
  /** Files of other GitHub repositories from the remote checkouts (goreleaser `includes: from_url`); absent when none were given. */
  remoteFiles?: RemoteFileLookup;
  /** The run's analysis budget, shared by every reader; absent only in unit tests of a single reader. */
  budget?: AnalysisBudget;
}

/** Reads `path` at `ref` of `owner/repo` from the remote checkouts, synchronously and without network. */
export type RemoteFileLookup = (owner: string, repo: string, ref: string, path: string) => { text: string; display: string } | { error: string };

/** What one pipeline reader returns. */
export interface ReaderResult {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
}
