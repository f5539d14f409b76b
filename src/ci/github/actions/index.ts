import { actionCond, bakeAction, buildPushAction, devcontainersCi, dockerBuildPush, dockerManifestAction, metadataAction, publishDockerAction, pushToRegistry, tagPushAction } from './docker.js';
import { attestAction, cosignInstaller, dockerTrustSign, goreleaserAction, notationSign, setupKo } from './signing.js';
import type { ActionHandler } from './types.js';
import { helmOciChartReleaser } from './artifacts.js';

/** Every action the reader models. An action not listed here is either known to be irrelevant or read from its source. */
export const ACTION_HANDLERS: readonly ActionHandler[] = [
  buildPushAction,
  metadataAction,
  bakeAction,
  pushToRegistry,
  dockerManifestAction,
  tagPushAction,
  dockerBuildPush,
  publishDockerAction,
  actionCond,
  devcontainersCi,
  cosignInstaller,
  attestAction,
  notationSign,
  dockerTrustSign,
  goreleaserAction,
  setupKo,
  helmOciChartReleaser,
];

/** Handlers whose action can push an image (the rest only compute names, install tools or sign). */
const PUSHING_HANDLERS: readonly ActionHandler[] = [buildPushAction, bakeAction, pushToRegistry, dockerManifestAction, tagPushAction, dockerBuildPush, publishDockerAction, devcontainersCi, goreleaserAction];

/**
 * Whether a `uses:` seen only in text (a workflow that does not parse) may push: a pushing handler's action, or an
 * unknown action whose name looks image-related. Without inputs to look at, this errs towards "may".
 */
export function mayPushAction(action: string): boolean {
  const handler = handlerFor(action);
  if (handler) return PUSHING_HANDLERS.includes(handler);
  return !isKnownIrrelevant(action) && looksImageRelated(action, {});
}

export function handlerFor(action: string): ActionHandler | undefined {
  return ACTION_HANDLERS.find((h) => h.matches(action));
}

/**
 * Actions known not to push or sign container images. A remote action outside this list and without a handler is
 * read from remote checkouts / the API when it looks image-related, and reported as not inspected otherwise.
 */
const IRRELEVANT_PREFIXES = [
  'actions/',
  'github/',
  'docker/setup-',
  'docker/login-action',
  'docker/scout-action',
  'aws-actions/',
  'azure/',
  'google-github-actions/auth',
  'google-github-actions/setup-gcloud',
  'step-security/harden-runner',
  'golangci/',
  'codecov/',
  'anchore/',
  'aquasecurity/trivy-action',
  'aquasecurity/setup-trivy',
  'helm/',
  'azure/setup-helm',
  'sigstore/scaffolding/',
  'slsa-framework/slsa-verifier',
  'notaryproject/notation-action/setup',
  'notaryproject/notation-action/verify',
  'imjasonh/setup-crane',
  'oras-project/setup-oras',
  'ossf/scorecard-action',
  'peter-evans/',
  'softprops/',
  'ncipollo/release-action',
  'codeql',
  'jlumbroso/free-disk-space',
  'swatinem/',
  'dtolnay/',
  'astral-sh/',
  'pnpm/',
  'hashicorp/setup-',
  'mikefarah/yq',
  'zizmorcore/',
  'chainguard-dev/actions/',
  'fluxcd/flux2/action',
  'tj-actions/',
  'dorny/',
  'ruby/setup-ruby',
  'gradle/',
  'denoland/',
  'oven-sh/',
  'crazy-max/ghaction-setup-docker',
  'crazy-max/ghaction-docker-buildx',
  'crazy-max/ghaction-github-runtime',
  'crazy-max/ghaction-import-gpg',
  'goto-bus-stop/',
  'mozilla-actions/',
  'taiki-e/',
  'extractions/',
  'rhysd/actionlint',
  'reviewdog/',
  'marocchino/',
  'thollander/',
  'slackapi/',
  'rtcamp/',
  'sigstore/gh-action-sigstore-python',
  'sigstore/cosign-installer',
  'ko-build/setup-ko',
  'imranismail/setup-kustomize',
  'go-task/setup-task',
  'arduino/setup-task',
  'engineerd/setup-kind',
  'medyagh/setup-minikube',
  'nolar/setup-k3d-k3s',
  'pypa/',
  'pyo3/maturin-action',
  'release-drafter/',
  'googleapis/release-please-action',
  'cycjimmy/',
  'wagoid/',
  'amannn/',
  'ad-m/',
  'stefanzweifel/',
  'easingthemes/',
  'appleboy/',
  'webfactory/',
  'shimataro/',
  'nick-fields/',
  'nick-invision/',
  'ilammy/',
  'msys2/',
  'lukka/',
  'egor-tensin/',
  'haya14busa/',
  'dawidd6/',
  'rlespinasse/',
  'benc-uk/',
  'kentaro-m/',
  'andstor/',
  'styfle/',
  'ossf/',
  // Buf pushes protobuf modules to the Buf Schema Registry, not container images.
  'bufbuild/',
];

export function isKnownIrrelevant(action: string): boolean {
  return IRRELEVANT_PREFIXES.some((p) => action === p.replace(/\/$/, '') || action.startsWith(p));
}

/**
 * Names of actions that manage, scan or describe images, publish other things, or only log in to or verify against
 * a registry (`redhat-actions/podman-login`, `notation-action/verify`): never an image themselves.
 */
const NOT_PUBLISHING = /retention|clean|delete|prune|scan|lint|vuln|test|setup|install|cache|label|comment|notify|backport|sync|changelog|gh-release|npm|pypi|gem|nuget|vscode|pages|description|readme|(^|[/_-])(login|logout|verify|auth)($|[/_-])/;

/**
 * Whether a remote composite action is worth reading when its source is available (remote checkouts, API):
 * broader than looksImageRelated, since reading costs little and finds what the action really does.
 */
export function worthReading(action: string, inputs: Record<string, string[]>): boolean {
  const name = action.toLowerCase();
  if (NOT_PUBLISHING.test(name.split('/').slice(1).join('/'))) return false;
  return /docker|image|container|oci|registry|push|publish|release|kaniko|buildah|podman|crane|cosign|sign|notation|goreleaser|(^|[/_-])ko($|[/_.-])/.test(name) || looksImageRelated(action, inputs);
}

/**
 * Whether a remote action or reusable workflow looks like it might build, push or sign images: its name says so,
 * or it takes inputs that only image publishers take. Deliberately narrow: an uninspected part is reported as an
 * unknown image, which fails the verdict, so noise here would be costly. "publish", "push", "sign" and "release"
 * alone are not enough (npm, PyPI, VS Code and GitHub releases use them too): they need image-like inputs.
 */
export function looksImageRelated(action: string, inputs: Record<string, string[]>): boolean {
  const name = action.toLowerCase();
  const path = name.split('/').slice(1).join('/');
  if (NOT_PUBLISHING.test(path)) return false;
  if (/docker|image|container|oci[-_]|kaniko|buildah|podman|crane|cosign|notation|goreleaser|(^|[/_-])ko($|[/_.-])/.test(name)) return true;
  const keys = Object.keys(inputs).map((k) => k.toLowerCase());
  const imageInputs = keys.some((k) => /^(image|images|image[-_]?name|image[-_]?ref|image[-_]?tag|dockerfile|platforms)$/.test(k));
  if (imageInputs) return true;
  return /push|publish|sign|release/.test(name) && keys.includes('tags') && keys.includes('registry');
}
