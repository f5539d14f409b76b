import { isKnownTool, toolFromCommandWord } from '../../detect/commands/index.js';

/**
 * What a Cloud Build step runs. A step is a container: `name` is the builder image, and "if the image used to run
 * the step's container has an entrypoint, the args are used as arguments to that entrypoint. If the image does not
 * define an entrypoint, the first element in args is used as the entrypoint"
 * (https://cloud.google.com/build/docs/build-config-file-schema, `args`); `entrypoint:` replaces the image's own.
 * So `name: gcr.io/cloud-builders/docker` with `args: [push, IMG]` runs `docker push IMG`. This module only turns a
 * step into a command line; what the command does is the shared command classifiers' business (src/detect/commands),
 * reached through the shared shell interpreter.
 */

export type StepCommand =
  /** The words the container runs (no shell in between: each word is passed as it is). */
  | { kind: 'exec'; words: string[] }
  /** A shell with a script (`bash -c SCRIPT ARG0 ARGS…`); `scriptIndex` is the script's index in `args`. */
  | { kind: 'shell'; shell: string; script: string; scriptIndex: number; positional: string[] }
  /** The builder's command is not known: its entrypoint is neither given nor one this module knows. */
  | { kind: 'unknown'; reason: string };

/**
 * Builder images whose entrypoint is a known command, by the image's last path component (tag and digest
 * dropped). The cloud-builders images (https://github.com/GoogleCloudPlatform/cloud-builders) are named for their
 * entrypoint: `gcr.io/cloud-builders/docker` runs `docker`, `…/gcloud` runs `gcloud`, `…/kubectl` runs `kubectl`.
 */
const ENTRYPOINTS: ReadonlyArray<[RegExp, string]> = [
  // gcr.io/kaniko-project/executor (and :debug, which still has /kaniko/executor as its entrypoint).
  [/(^|\/)kaniko-project\/executor$|(^|\/)kaniko(-executor)?$/, '/kaniko/executor'],
  // gcr.io/projectsigstore/cosign, ghcr.io/sigstore/cosign/cosign, cgr.dev/chainguard/cosign.
  [/(^|\/)cosign$/, 'cosign'],
  // ghcr.io/ko-build/ko, gcr.io/ko-images/ko.
  [/(^|\/)ko$/, 'ko'],
  // gcr.io/go-containerregistry/crane and gcrane.
  [/(^|\/)crane$/, 'crane'],
  [/(^|\/)gcrane$/, 'gcrane'],
  // goreleaser/goreleaser, ghcr.io/goreleaser/goreleaser(-cross|-pro).
  [/(^|\/)goreleaser(-cross|-pro)?$/, 'goreleaser'],
  [/(^|\/)oras$/, 'oras'],
  // quay.io/skopeo/stable runs skopeo.
  [/(^|\/)skopeo(\/stable)?$/, 'skopeo'],
  [/(^|\/)pack$/, 'pack'],
  [/(^|\/)notation$/, 'notation'],
  [/^gcr\.io\/cloud-builders\/gcloud(-slim)?$/, 'gcloud'],
  // docker (Docker Hub's official image runs `docker` through its entrypoint script) and the cloud builder.
  [/^(gcr\.io\/cloud-builders\/|(docker\.io\/)?(library\/)?)docker$/, 'docker'],
];

/** Images with no entrypoint of their own (or one that runs its arguments): the first argument is the program. */
const NO_ENTRYPOINT =
  /(^|\/)(cloud-sdk|google-cloud-cli|ubuntu|debian|alpine|busybox|golang|node|python|bash|buildah\/stable|podman\/stable|buildah|podman|git)$/;

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** The image name without registry tag or digest, lower-cased (`gcr.io/cloud-builders/docker:24` → `…/docker`). */
export function builderImage(name: string): string {
  let n = name.trim().replace(/@.*$/, '');
  const slash = n.lastIndexOf('/');
  const colon = n.lastIndexOf(':');
  if (colon > slash) n = n.slice(0, colon);
  return n.toLowerCase();
}

/** The entrypoint a known builder image runs, if any. */
export function builderEntrypoint(name: string): string | undefined {
  const image = builderImage(name);
  for (const [re, cmd] of ENTRYPOINTS) if (re.test(image)) return cmd;
  const cloudBuilder = /^gcr\.io\/cloud-builders\/([a-z0-9][\w.-]*)$/.exec(image);
  if (cloudBuilder) return cloudBuilder[1];
  // A builder named after a tool the classifiers know runs that tool (the convention of the cloud-builders and
  // cloud-builders-community images: gcr.io/$PROJECT_ID/docker-compose runs docker-compose).
  const last = image.slice(image.lastIndexOf('/') + 1);
  return isKnownCommand(last) ? last : undefined;
}

/** The command a step runs, from its builder image, `entrypoint` and `args` (all substituted). */
export function stepCommand(name: string, entrypoint: string | undefined, args: readonly string[]): StepCommand {
  let words: string[];
  if (entrypoint !== undefined && entrypoint !== '') words = [entrypoint, ...args];
  else {
    const known = builderEntrypoint(name);
    const image = builderImage(name);
    if (known !== undefined) words = [known, ...args];
    else if (NO_ENTRYPOINT.test(image)) {
      // Docker Hub's `bash` image runs `bash "$@"` when the first argument is an option.
      words = /(^|\/)bash$/.test(image) && (args.length === 0 || args[0]!.startsWith('-')) ? ['bash', ...args] : [...args];
    } else if (args.length > 0 && (isShell(args[0]!) || isKnownCommand(args[0]!))) {
      // An image this module does not know, whose first argument is a shell or a known tool: an image without an
      // entrypoint (the usual case for such arguments) runs it.
      words = [...args];
    } else return { kind: 'unknown', reason: `the entrypoint of builder image ${name} is not known` };
  }
  if (words.length === 0) return { kind: 'unknown', reason: `builder image ${name} is run without arguments` };
  return shellOf(words, words.length - args.length);
}

/**
 * `bash -c SCRIPT [ARG0 ARGS…]` (also `-ec`, `-eux -o pipefail -c`, `busybox sh -c`) as a shell with its script;
 * anything else is an exec command line. `argsOffset` is where `args` starts in `words` (for the script's index).
 */
function shellOf(words: string[], argsOffset: number): StepCommand {
  let i = 0;
  if (base(words[0]!) === 'busybox' && words.length > 1 && SHELLS.has(base(words[1]!))) i = 1;
  const shell = base(words[i]!);
  if (!SHELLS.has(shell)) return { kind: 'exec', words };
  for (let k = i + 1; k < words.length; k++) {
    const w = words[k]!;
    if (w === '-o' || w === '+o') {
      k++;
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(w)) {
      if (w.startsWith('-') && w.includes('c')) {
        const scriptAt = k + 1;
        if (scriptAt >= words.length) return { kind: 'exec', words };
        return { kind: 'shell', shell, script: words[scriptAt]!, scriptIndex: scriptAt - argsOffset, positional: words.slice(scriptAt + 1) };
      }
      continue;
    }
    break;
  }
  // `bash script.sh args`: the shell runs a file; an exec line of the shell does that.
  return { kind: 'exec', words };
}

function base(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function isShell(word: string): boolean {
  return SHELLS.has(base(word)) || base(word) === 'busybox';
}

function isKnownCommand(word: string): boolean {
  const tool = toolFromCommandWord(word);
  return tool !== undefined && isKnownTool(tool);
}

/** A command line for the shell interpreter that runs exactly `words` (each one quoted: no shell in between). */
export function execLine(words: readonly string[]): string {
  return words.map(quote).join(' ');
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
