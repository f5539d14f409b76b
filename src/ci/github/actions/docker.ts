import { readBake } from '../../../detect/bake.js';
import { and, FALSE, or, TRUE, type Formula } from '../../../logic/formula.js';
import { conditionalValues, UNKNOWN_LOOKUP } from '../../../expr/expr.js';
import { PARTIAL_JSON, pushDigestText } from '../../../model/digest.js';
import type { OpContext, PushOp } from '../../../model/pipeline.js';
import { actionWorkdir, emptyActionResult, input, inputLocation, listInput, mergeReaderResult, type ActionHandler, type ActionResult, type ActionStep } from './types.js';
import { makePushes, parseCsvAttributes, splitCsv } from './refs.js';

/** Where a metadata-action bake definition lands on the runner; bake-action reads it by this path. */
export const METADATA_BAKE_FILE = '<docker/metadata-action bake file>';

/**
 * Decides whether a push-controlling value pushes: 'yes', 'no', or the unknown conditions under which it does.
 * `interpret` tells whether one concrete value means "push".
 */
function pushDecision(text: string, interpret: (value: string) => boolean, given: Formula = TRUE): { push: boolean; when: Formula } {
  const alternatives = conditionalValues(text, UNKNOWN_LOOKUP);
  const pushing = alternatives.filter((a) => (a.value === undefined ? true : interpret(a.value)));
  const when = and(given, or(...pushing.map((a) => a.when)));
  return { push: !(when.k === 'const' && !when.v), when };
}

/** The push decision over every alternative of an input, each under its own condition. */
function inputDecision(step: ActionStep, name: string, interpret: (value: string) => boolean): { push: boolean; when: Formula } | undefined {
  const texts = step.inputs[name];
  if (!texts?.length) return undefined;
  const decisions = texts.map((t, i) => pushDecision(t, interpret, step.inputWhen?.[name]?.[i] ?? TRUE));
  const when = or(...decisions.map((d) => d.when));
  return { push: decisions.some((d) => d.push), when };
}

/** The push happens when the step runs and one of the pushing alternatives holds. */
function guarded(ctx: OpContext, when: Formula): OpContext {
  if (when.k === 'const') return ctx;
  return { ...ctx, guard: { ...ctx.guard, formula: and(ctx.guard.formula, when), local: and(ctx.guard.local ?? TRUE, when) } };
}

function isTrue(v: string): boolean {
  return v.trim().toLowerCase() === 'true';
}

/** One `outputs:` entry of build-push-action: a registry output, or an image output with push=true. */
function outputPushes(v: string): boolean {
  const attrs = parseCsvAttributes(v);
  if (attrs['type'] === 'registry') return true;
  if (attrs['type'] === 'image') {
    const p = attrs['push'] ?? 'false';
    return p.includes('${{') ? true : isTrue(p);
  }
  return false;
}

/** docker/build-push-action: pushes on `push: true` or a registry/image output with push=true. */
export const buildPushAction: ActionHandler = {
  matches: (a) => a === 'docker/build-push-action',
  run(step) {
    const result = emptyActionResult();
    const tags = listInput(step, 'tags');
    const names: string[] = [];
    const decisions: Array<{ push: boolean; when: Formula }> = [];
    const loadedNames: string[] = [];
    (step.inputs['outputs'] ?? []).forEach((alternative, i) => {
      const when = step.inputWhen?.['outputs']?.[i] ?? TRUE;
      for (const out of alternative.split('\n').map((o) => o.trim()).filter(Boolean)) {
        const decision = pushDecision(out, outputPushes, when);
        decisions.push(decision);
        const attrs = parseCsvAttributes(out);
        // Only the outputs that push name pushed images; `type=docker,name=app:local` beside them is a local load.
        const localExporter = !decision.push && /^(docker|oci|tar|local|cacheonly)$/.test(attrs['type'] ?? '');
        if (attrs['name']) for (const n of attrs['name'].split(/[,\s]+/).filter(Boolean)) if (!(localExporter ? loadedNames : names).includes(n)) (localExporter ? loadedNames : names).push(n);
        const pushAttr = attrs['push'];
        if (pushAttr && pushAttr.includes('${{')) decisions.push(pushDecision(pushAttr, isTrue, when));
      }
    });
    const pushInput = inputDecision(step, 'push', isTrue);
    if (pushInput) decisions.push(pushInput);
    const pushing = decisions.filter((d) => d.push);
    for (const n of loadedNames) result.localBuilds.push({ name: n, reason: 'build output without push', location: step.location });
    const refs = [...tags, ...names];
    if (pushing.length === 0) {
      for (const r of refs) result.localBuilds.push({ name: r, reason: 'built without push', location: step.location });
      addBuildOutputs(result, step);
      return result;
    }
    const ctx = guarded(step.ctx, or(...pushing.map((d) => d.when)));
    const { pushes, local } = makePushes(refs, 'docker/build-push-action', step.location, ctx, pushDigest(step));
    if (refs.length === 0) result.limits.push(`${step.location.file}:${step.location.line}: build-push-action pushes without tags or an output name; image name unknown`);
    result.operations.push(...pushes);
    result.localBuilds.push(...local);
    addBuildOutputs(result, step, refs);
    return result;
  },
};

/** What a push step's operations carry so a signature of its `digest` output finds them. */
function pushDigest(step: ActionStep): Partial<PushOp> {
  return { digestText: pushDigestText(step.location), ...(step.stepId ? { digestFromStep: step.stepId } : {}) };
}

function addBuildOutputs(result: ActionResult, step: ActionStep, pushed?: string[]): void {
  if (!step.stepId) return;
  const id = step.stepId;
  // The digest this step's push produced, traceable to it from any step or job it reaches (src/model/digest.ts).
  result.outputs['digest'] = pushDigestText(step.location);
  result.outputs['imageid'] = `\${{ steps.${id}.outputs.imageid }}`;
  // A push's `metadata` is BuildKit's result as JSON: its `containerimage.digest` is the same digest (read with
  // `fromJSON(…)['containerimage.digest']` or jq). Only those two fields are modelled; the others stay unknown.
  result.outputs['metadata'] = pushed
    ? JSON.stringify({ 'containerimage.digest': pushDigestText(step.location), 'image.name': pushed.join(','), [PARTIAL_JSON]: true })
    : `\${{ steps.${id}.outputs.metadata }}`;
}

/** Turns metadata-action `tags:` specs into representative tag strings (exact values depend on the event). */
function metadataTags(step: ActionStep): string[] {
  const specs = listInput(step, 'tags', /\n/);
  if (specs.length === 0) return ['{{branch}}'];
  const tags: string[] = [];
  for (const spec of specs) {
    const attrs = parseCsvAttributes(spec);
    if (attrs['enable'] === 'false') continue;
    const type = attrs['type'] ?? 'raw';
    // metadata-action reads a field without `=` as the value (`type=raw,gh-runid-1`).
    const bare = splitCsv(spec).map((f) => f.trim()).filter((f) => f && !f.includes('='));
    const value = type === 'raw' ? (attrs['value'] ?? bare[bare.length - 1] ?? spec) : type === 'sha' ? 'sha-{{sha}}' : `{{${type}}}`;
    const tag = `${attrs['prefix'] ?? ''}${value}${attrs['suffix'] ?? ''}`;
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags.length ? tags : ['{{branch}}'];
}

/** docker/metadata-action: computes names and tags; no push. Its outputs feed build-push-action and signing. */
export const metadataAction: ActionHandler = {
  // crazy-max/ghaction-docker-meta is its former name, still pinned in older workflows.
  matches: (a) => a === 'docker/metadata-action' || a === 'crazy-max/ghaction-docker-meta',
  run(step) {
    const result = emptyActionResult();
    const images: string[] = [];
    for (const line of listInput(step, 'images', /\n/)) {
      // `name=ghcr.io/x,enable=…` or a bare name; several comma-separated bare names are allowed too.
      if (/(^|,)\s*name=/.test(line)) {
        const attrs = parseCsvAttributes(line);
        if (attrs['enable'] === 'false' || !attrs['name']) continue;
        images.push(attrs['name']);
      } else images.push(...line.split(',').map((s) => s.trim()).filter(Boolean));
    }
    const tags = metadataTags(step);
    const refs = images.flatMap((img) => tags.map((t) => `${img}:${t}`));
    const tagText = refs.join('\n');
    result.outputs['tags'] = tagText;
    result.outputs['version'] = tags[0] ?? '';
    result.outputs['json'] = JSON.stringify({ tags: refs });
    result.outputs['labels'] = '';
    result.outputs['annotations'] = '';
    result.outputs['bake-file'] = METADATA_BAKE_FILE;
    result.outputs['bake-file-tags'] = METADATA_BAKE_FILE;
    // v5+ also exports these to the environment of later steps.
    result.envWrites['DOCKER_METADATA_OUTPUT_TAGS'] = tagText;
    result.envWrites['DOCKER_METADATA_OUTPUT_VERSION'] = tags[0] ?? '';
    result.envWrites['DOCKER_METADATA_OUTPUT_JSON'] = result.outputs['json'];
    // The bake definition bake-action reads through `files: ${{ steps.meta.outputs.bake-file }}`.
    result.virtualFiles = { [METADATA_BAKE_FILE]: JSON.stringify({ target: { 'docker-metadata-action': { tags: refs } } }) };
    return result;
  },
};

/** docker/bake-action: delegates to the bake reader. */
export const bakeAction: ActionHandler = {
  matches: (a) => a === 'docker/bake-action' || a === 'docker/bake-action/subaction/matrix',
  run(step) {
    const result = emptyActionResult();
    const files = listInput(step, 'files');
    const virtualFiles = step.virtualFiles;
    const decision = inputDecision(step, 'push', isTrue) ?? { push: false, when: FALSE };
    const r = readBake({
      ...guarded(step.ctx, decision.when),
      repo: step.repo,
      files,
      virtualFiles,
      targets: listInput(step, 'targets'),
      push: decision.push,
      set: listInput(step, 'set', /\n/),
      workdir: actionWorkdir(step),
      env: step.env,
      location: step.location,
      ...(step.stepId ? { stepId: step.stepId } : {}),
    });
    mergeReaderResult(result, r);
    if (step.stepId) result.outputs['metadata'] = `\${{ steps.${step.stepId}.outputs.metadata }}`;
    return result;
  },
};

/** redhat-actions/push-to-registry: pushes `registry/image:tag` for each tag. */
export const pushToRegistry: ActionHandler = {
  matches: (a) => a === 'redhat-actions/push-to-registry',
  run(step) {
    const result = emptyActionResult();
    const registry = input(step, 'registry').replace(/\/+$/, '');
    const tags = listInput(step, 'tags', /[\s,]+/);
    const images = listInput(step, 'image', /\n/);
    const refs: string[] = [];
    if (images.length === 0) {
      // Without `image:`, tags are fully qualified.
      refs.push(...tags);
    } else {
      for (const image of images) {
        const name = registry ? `${registry}/${image}` : image;
        if (tags.length === 0) refs.push(`${name}:latest`);
        for (const t of tags) refs.push(t.includes('/') ? t : `${name}:${t}`);
      }
    }
    const { pushes, local } = makePushes(refs, 'redhat-actions/push-to-registry', step.location, step.ctx, pushDigest(step));
    result.operations.push(...pushes);
    result.localBuilds.push(...local);
    if (step.stepId) {
      result.outputs['digest'] = pushDigestText(step.location);
      result.outputs['registry-path'] = refs[0] ?? '';
      result.outputs['registry-paths'] = JSON.stringify(refs);
    }
    return result;
  },
};

/** Manifest and retagging actions that push a name given in their inputs. */
function simplePusher(actions: string[], tool: string, refsOf: (step: ActionStep) => string[], pushes: (step: ActionStep) => string | undefined): ActionHandler {
  return {
    matches: (a) => actions.includes(a),
    run(step) {
      const result = emptyActionResult();
      const refs = refsOf(step);
      const pushText = pushes(step);
      if (pushText !== undefined) {
        const d = pushDecision(pushText, isTrue);
        if (!d.push) {
          for (const r of refs) result.localBuilds.push({ name: r, reason: 'not pushed', location: step.location });
          return result;
        }
        const made = makePushes(refs, tool, step.location, guarded(step.ctx, d.when), step.stepId ? { digestFromStep: step.stepId } : {});
        result.operations.push(...made.pushes);
        result.localBuilds.push(...made.local);
        return result;
      }
      const made = makePushes(refs, tool, step.location, step.ctx, step.stepId ? { digestFromStep: step.stepId } : {});
      result.operations.push(...made.pushes);
      result.localBuilds.push(...made.local);
      return result;
    },
  };
}

export const dockerManifestAction = simplePusher(
  ['noelware/docker-manifest-action'],
  'Noelware/docker-manifest-action',
  // v0.4 names the manifest `inputs:` (formerly `base-image:`); `tags:` adds names.
  (s) => [...listInput(s, 'tags'), ...listInput(s, 'base-image'), ...listInput(s, 'inputs')],
  (s) => input(s, 'push') || 'false',
);

export const tagPushAction = simplePusher(['akhilerm/tag-push-action'], 'akhilerm/tag-push-action', (s) => listInput(s, 'dst', /\n/), () => undefined);

/** `registry` + `<image input>` + `tags` (default latest), the inputs of several build-and-push actions. */
function registryImageTags(step: ActionStep, imageInput: string): string[] {
  const registry = input(step, 'registry');
  const image = input(step, imageInput);
  const name = registry && !image.startsWith(registry) ? `${registry}/${image}` : image;
  const tags = listInput(step, 'tags');
  return (tags.length ? tags : ['latest']).map((t) => `${name}:${t}`);
}

// Inputs reach handlers with lowercased names (`pushImage` → `pushimage`), like GitHub matches them.
export const dockerBuildPush = simplePusher(
  ['mr-smithers-excellent/docker-build-push'],
  'mr-smithers-excellent/docker-build-push',
  (s) => registryImageTags(s, 'image'),
  (s) => input(s, 'pushimage') || 'true',
);

export const publishDockerAction = simplePusher(
  ['elgohr/publish-docker-github-action'],
  'elgohr/Publish-Docker-Github-Action',
  (s) => registryImageTags(s, 'name'),
  (s) => (isTrue(input(s, 'no_push')) ? 'false' : 'true'),
);

/**
 * devcontainers/ci: builds the dev container image and pushes `imageName` when `push` is `always`, or `filter`
 * (the default) when the ref/event filters match — a conditional push. `never` or no imageName: no push.
 */
export const devcontainersCi: ActionHandler = {
  matches: (a) => a === 'devcontainers/ci',
  run(step) {
    const result = emptyActionResult();
    const names = listInput(step, 'imagename');
    const tags = listInput(step, 'imagetag');
    const refs = names.flatMap((n) => (tags.length ? tags.map((t) => `${n}:${t}`) : [`${n}:latest`]));
    const mode = (input(step, 'push') || 'filter').trim().toLowerCase();
    if (refs.length === 0) return result;
    if (mode === 'never') {
      for (const r of refs) result.localBuilds.push({ name: r, reason: 'devcontainers/ci with push: never', location: step.location });
      return result;
    }
    const made = makePushes(refs, 'devcontainers/ci', step.location, step.ctx);
    result.operations.push(...made.pushes);
    result.localBuilds.push(...made.local);
    return result;
  },
};

/** haya14busa/action-cond: `value` is if_true or if_false depending on `cond`. Modelled so the choice stays conditional. */
export const actionCond: ActionHandler = {
  matches: (a) => a === 'haya14busa/action-cond',
  run(step) {
    const result = emptyActionResult();
    const cond = input(step, 'cond');
    const t = input(step, 'if_true');
    const f = input(step, 'if_false');
    const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(cond)?.[1];
    if (inner !== undefined) result.outputs['value'] = `\${{ (${inner.trim()}) && ${quote(t)} || ${quote(f)} }}`;
    else result.outputs['value'] = isTrue(cond) ? t : f;
    return result;
  },
};

export { inputLocation };
