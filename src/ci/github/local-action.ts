import { handlerFor, looksImageRelated } from './actions/index.js';
import type { ActionHandler } from './actions/types.js';
import type { Finding } from '../../model/finding.js';
import type { Location } from '../../model/location.js';
import type { OpContext, PushOp } from '../../model/pipeline.js';
import type { YamlDoc } from '../../parse/yaml.js';
import { ruleFinding } from '../../model/rule-finding.js';
import { NOT_INSPECTED_PREFIX } from '../../model/pipeline.js';

/**
 * JavaScript and Docker actions reached through a path (`uses: ./`, `uses: ./.github/actions/x`, or `./x` inside a
 * remote composite action). Their code is never read, so nothing they do could be seen; they must not vanish.
 *
 * 1. When the action IS an action the engine models (its own repository's copy of it), it is handled exactly as the
 *    remote `uses: owner/repo[/path]@ref` would be. The action.yml "says so" in one of two ways:
 *    - identity by place: the repository the file lives in (the scanned `--repository`, or the remote repository
 *      for `./x` inside a remote action) plus the action's directory names a handled action: `uses: ./` in
 *      `docker/build-push-action` is docker/build-push-action, `uses: ./sign` in `notaryproject/notation-action` is
 *      notaryproject/notation-action/sign. This is what GitHub itself would resolve the same action to.
 *    - identity by metadata: a vendored or forked copy (another repository, another directory) whose action.yml
 *      carries both the `name:` and the `author:` of a known action. Both must match: a name alone ("Build and
 *      push") is too common, and authors publish many actions.
 * 2. Otherwise, when it looks image-related by the same test the engine applies to remote actions it cannot read
 *    (its path, its `name:`, the inputs it declares or is given), it is reported "not inspected", like them.
 * 3. Otherwise it is ignored (a local action that lints, labels, sets up tools).
 */
export type LocalActionDecision =
  | { kind: 'handler'; action: string; handler: ActionHandler; because: string }
  | { kind: 'not-inspected'; using: string }
  | { kind: 'ignore' };

/** `runs.using` values of actions whose code the engine cannot follow (composite actions are read step by step). */
export function isOpaqueUsing(using: string | undefined): boolean {
  if (!using) return false;
  const u = using.trim().toLowerCase();
  return /^node\d*$/.test(u) || u === 'docker';
}

/**
 * Known actions' metadata (`name:`, `author:`), across the versions that changed them. Only actions with a
 * handler are listed: the point is to reuse the handler.
 */
const KNOWN_METADATA: ReadonlyArray<{ action: string; names: string[]; authors: string[] }> = [
  { action: 'docker/build-push-action', names: ['build and push docker images'], authors: ['docker', 'crazy-max'] },
  { action: 'docker/metadata-action', names: ['docker metadata action', 'docker metadata'], authors: ['docker', 'crazy-max'] },
  { action: 'docker/bake-action', names: ['docker buildx bake'], authors: ['docker', 'crazy-max'] },
  { action: 'goreleaser/goreleaser-action', names: ['goreleaser action'], authors: ['goreleaser', 'crazy-max'] },
  { action: 'redhat-actions/push-to-registry', names: ['push to registry'], authors: ['red hat'] },
];

export interface LocalActionInput {
  doc: YamlDoc;
  /** Directory of the action inside its repository ('' for the root). */
  dir: string;
  /** `owner/repo` of the repository the action lives in, when known. */
  ownerRepo?: string;
  /** The `with:` inputs of the calling step. */
  withInputs: Record<string, string[]>;
}

export function classifyLocalAction(input: LocalActionInput): LocalActionDecision {
  const { doc } = input;
  const using = doc.str(doc.get(doc.get(doc.root, 'runs'), 'using'))?.trim() ?? '';
  if (!isOpaqueUsing(using)) return { kind: 'ignore' };
  const byPlace = input.ownerRepo ? `${input.ownerRepo}${input.dir ? `/${input.dir}` : ''}`.toLowerCase() : undefined;
  const placeHandler = byPlace ? handlerFor(byPlace) : undefined;
  if (byPlace && placeHandler) return { kind: 'handler', action: byPlace, handler: placeHandler, because: `the repository's own ${byPlace}` };
  const name = (doc.str(doc.get(doc.root, 'name')) ?? '').trim();
  const author = (doc.str(doc.get(doc.root, 'author')) ?? '').trim().toLowerCase();
  const known = KNOWN_METADATA.find((k) => k.names.includes(name.toLowerCase()) && k.authors.includes(author));
  const metaHandler = known ? handlerFor(known.action) : undefined;
  if (known && metaHandler) return { kind: 'handler', action: known.action, handler: metaHandler, because: `a copy of ${known.action} (action.yml name and author)` };
  if (isImageRelatedLocal(doc, input.dir, name, input.withInputs)) return { kind: 'not-inspected', using };
  return { kind: 'ignore' };
}

/** The remote-action relevance test, over the action's directory, its `name:` and the inputs it declares or gets. */
function isImageRelatedLocal(doc: YamlDoc, dir: string, name: string, withInputs: Record<string, string[]>): boolean {
  const inputs: Record<string, string[]> = { ...withInputs };
  for (const e of doc.entries(doc.get(doc.root, 'inputs'))) inputs[e.key.toLowerCase()] ??= [''];
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  // looksImageRelated reads `owner/path`: the owner part is ignored by its exclusions, so give a neutral one.
  const id = ['local', ...dir.toLowerCase().split('/').filter(Boolean), ...(slug ? [slug] : [])].join('/');
  return looksImageRelated(id, inputs);
}

/** The not-inspected finding and placeholder push for an opaque local action, as for remote ones. */
export function localNotInspected(uses: string, using: string, loc: Location, ctx: OpContext): { finding: Finding; op: PushOp } {
  const why = `a ${using} action: its code is not analysed`;
  const name = `${NOT_INSPECTED_PREFIX}${uses}`;
  return {
    finding: ruleFinding('not-inspected', `${uses} may build or push images but was not inspected (${why}). Replace it with steps the audit can read, or suppress this finding with the reason it does not publish images.`, loc),
    op: {
      kind: 'push',
      tool: uses,
      refs: [{ raw: name, name, resolved: false }],
      location: loc,
      chain: ctx.chain,
      guard: ctx.guard,
      confidence: 'low',
      jobKey: ctx.jobKey,
      stepIndex: ctx.stepIndex,
      seq: 0,
      ...(ctx.parallelGroup !== undefined ? { parallelGroup: ctx.parallelGroup } : {}),
      notes: [`pushed by ${uses}, not inspected: ${why}`],
    },
  };
}

/** `owner/repo` of a remote id `owner/repo/path@ref`. */
export function ownerRepoOf(remote: string): string | undefined {
  const m = /^([\w.-]+)\/([\w.-]+)/.exec(remote);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
