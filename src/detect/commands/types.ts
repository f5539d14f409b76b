/**
 * What a command classifier sees and says. Classifiers are pure functions from one resolved command line to
 * effects; the shell interpreter turns effects into PushOp / SignOp / LocalBuild with locations and guards.
 */

import type { ArtifactKind } from '../../model/pipeline.js';

/** One argument after word expansion. `dynamic`: its whole value is produced at run time (`$(cat refs)`, `read x`, xargs input). */
export interface Arg {
  text: string;
  dynamic: boolean;
}

export interface CommandInvocation {
  /** The tool (`docker`, `cosign`, …), resolved from the command word. */
  tool: string;
  /** Arguments after the command word. */
  args: Arg[];
  /** Looks up a variable visible to the command (environment, script variables, `VAR=x cmd` prefixes). */
  lookup(name: string): string | undefined;
  /** Whether a repository-relative path (relative to the working directory) was written from a secret earlier in the script. */
  isSecretFile(path: string): boolean;
}

export interface KeySpec {
  value: string;
  source: 'secret' | 'kms' | 'k8s' | 'env' | 'file' | 'literal' | 'unknown';
}

export type CommandEffect =
  /**
   * `artifact`: the push stores a non-image OCI artifact (Helm chart, SBOM, signature, files). `copyOf`: a copy
   * (`crane copy SRC DST`) keeps SRC's manifest, so what is pushed has the digest SRC points to.
   */
  | { kind: 'push'; tool: string; refs: string[]; notes?: string[]; artifact?: ArtifactKind; copyOf?: string }
  | {
      kind: 'sign';
      tool: string;
      method: 'cosign-keyless' | 'cosign-key' | 'cosign-kms' | 'cosign-attest' | 'notation' | 'docker-content-trust';
      refs: string[];
      /** Some target is wholly dynamic: the judge attributes it by proximity. */
      unresolvedTarget: boolean;
      keyless: boolean;
      /** Keyless with an OIDC token given explicitly (`--identity-token`, SIGSTORE_ID_TOKEN), not GitHub's. */
      identityToken?: boolean;
      key?: KeySpec;
      password?: KeySpec;
      signatureFormat?: 'legacy' | 'bundle' | 'default';
      copiedFrom?: string;
      notes?: string[];
    }
  | { kind: 'local'; tool: string; name: string; reason: string }
  /**
   * What the command prints on standard output, when that is known (`ko build` prints `repo@sha256:…`, `crane
   * digest` a digest, `ko login` nothing). `THIS_PUSH_DIGEST` (src/model/digest.ts) in it stands for the digest of
   * the push this command makes. Without such an effect a tool's output is unknown.
   */
  | { kind: 'stdout'; text: string }
  /** What the command prints on standard error, when that matters (`imagetools create`'s progress); seen only through `2>&1`. */
  | { kind: 'stderr'; text: string }
  /** A file the command writes (`--image-refs F`, `--digestfile F`, `--metadata-file F`), with what it holds. */
  | { kind: 'file'; path: string; text: string }
  | { kind: 'bake'; files: string[]; targets: string[]; push: boolean; set: string[] }
  | { kind: 'goreleaser'; args: string[] }
  | { kind: 'limit'; text: string };

export type Classifier = (inv: CommandInvocation) => CommandEffect[];
