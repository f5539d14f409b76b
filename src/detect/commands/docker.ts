import { PARTIAL_JSON, pushOutputText, resolvedDigestText, THIS_PUSH_DIGEST } from '../../model/digest.js';
import { parseImageRef } from '../../model/image-ref.js';
import { boolFlag, flagValues, hasFlag, isTrue, parseArgs, parseKeyValueList } from './argv.js';
import type { Arg, CommandEffect, CommandInvocation } from './types.js';

const GLOBAL_VALUE_FLAGS = new Set(['--config', '-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

const BUILD_VALUE_FLAGS = new Set([
  '-t', '--tag', '-f', '--file', '--build-arg', '--platform', '--target', '--label', '--cache-from', '--cache-to',
  '-o', '--output', '--builder', '--secret', '--ssh', '--progress', '--iidfile', '--metadata-file', '--network',
  '--add-host', '--annotation', '--attest', '--build-context', '--shm-size', '--ulimit', '--allow', '--call',
  '--cgroup-parent', '-m', '--memory', '--memory-swap', '--cpu-shares', '--cpuset-cpus', '--cpu-quota', '--cpu-period',
  '--isolation', '--no-cache-filter', '--security-opt', '--sbom', '--provenance', '--policy', '--check',
]);

const PUSH_VALUE_FLAGS = new Set(['--platform']);
const IMAGETOOLS_VALUE_FLAGS = new Set(['-t', '--tag', '-f', '--file', '--builder', '--annotation', '--progress', '--platform']);
const BAKE_VALUE_FLAGS = new Set(['-f', '--file', '--set', '--builder', '--progress', '--metadata-file', '--provenance', '--sbom', '--allow', '--call', '--var']);

/** `docker …`: push, build/buildx build, bake, imagetools create, manifest push, trust sign. */
export function classifyDocker(inv: CommandInvocation): CommandEffect[] {
  const args = skipGlobalFlags(inv.args);
  const words = args.map((a) => a.text);
  const [a0, a1, a2] = words;
  if (a0 === 'push' || (a0 === 'image' && a1 === 'push')) return dockerPush(inv, args.slice(a0 === 'push' ? 1 : 2));
  if (a0 === 'build' || (a0 === 'image' && a1 === 'build') || (a0 === 'buildx' && (a1 === 'build' || a1 === 'b'))) {
    return dockerBuild(inv, args.slice(a0 === 'build' ? 1 : 2), a0 === 'buildx' ? 'docker buildx build' : 'docker build');
  }
  if (a0 === 'bake' || (a0 === 'buildx' && a1 === 'bake')) return dockerBake(args.slice(a0 === 'bake' ? 1 : 2));
  if (a0 === 'compose') return classifyCompose(args.slice(1));
  if (a0 === 'buildx' && a1 === 'imagetools' && a2 === 'create') return imagetoolsCreate(args.slice(3));
  if (a0 === 'buildx' && a1 === 'imagetools' && a2 === 'inspect') return imagetoolsInspect(args.slice(3));
  if (a0 === 'inspect' || (a0 === 'image' && a1 === 'inspect')) return dockerInspect(args.slice(a0 === 'inspect' ? 1 : 2));
  if (a0 === 'manifest' && a1 === 'push') {
    const p = parseArgs(args.slice(2), new Set());
    const ref = p.positionals[0];
    return ref ? [{ kind: 'push', tool: 'docker manifest push', refs: [ref.text] }] : [];
  }
  if (a0 === 'trust' && a1 === 'sign') {
    const p = parseArgs(args.slice(2), new Set());
    return p.positionals.length
      ? [{ kind: 'sign', tool: 'docker trust sign', method: 'docker-content-trust', refs: p.positionals.filter((x) => !x.dynamic).map((x) => x.text), unresolvedTarget: p.positionals.some((x) => x.dynamic), keyless: false }]
      : [];
  }
  return [];
}

function skipGlobalFlags(args: Arg[]): Arg[] {
  let i = 0;
  while (i < args.length && args[i]!.text.startsWith('-')) {
    const t = args[i]!.text;
    i += GLOBAL_VALUE_FLAGS.has(t) ? 2 : 1;
  }
  return args.slice(i);
}

function contentTrustOn(inv: CommandInvocation): boolean {
  return isTrue(inv.lookup('DOCKER_CONTENT_TRUST'));
}

function dockerPush(inv: CommandInvocation, args: Arg[]): CommandEffect[] {
  const p = parseArgs(args, PUSH_VALUE_FLAGS);
  const refs = p.positionals.map((x) => x.text);
  if (!refs.length) return [];
  const effects: CommandEffect[] = [{ kind: 'push', tool: 'docker push', refs }];
  // One tag pushed: its output ends with `<tag>: digest: sha256:… size: N`, this push's digest. `--all-tags` prints
  // one such line per tag (digests differ), `--quiet` only the name: their output stays unknown.
  if (refs.length === 1 && !hasFlag(p, '-a') && !hasFlag(p, '--all-tags') && !hasFlag(p, '-q') && !hasFlag(p, '--quiet')) {
    effects.push({ kind: 'stdout', text: `${pushOutputText('docker-push', THIS_PUSH_DIGEST)}\n` });
  }
  if (contentTrustOn(inv) && !boolFlag(p, '--disable-content-trust')) {
    effects.push({ kind: 'sign', tool: 'docker push (DOCKER_CONTENT_TRUST=1)', method: 'docker-content-trust', refs, unresolvedTarget: false, keyless: false });
  }
  return effects;
}

function dockerBuild(inv: CommandInvocation, args: Arg[], tool: string): CommandEffect[] {
  const p = parseArgs(args, BUILD_VALUE_FLAGS);
  const tags = flagValues(p, '-t', '--tag');
  let push = boolFlag(p, '--push') === true;
  const outputNames: string[] = [];
  for (const out of flagValues(p, '-o', '--output')) {
    const kv = parseKeyValueList(out);
    const type = kv.get('type') ?? (out.includes('=') ? '' : 'local');
    const names = (kv.get('name') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (type === 'registry' || (type === 'image' && isTrue(kv.get('push')))) {
      push = true;
      outputNames.push(...names);
    }
  }
  const names = [...tags, ...outputNames];
  if (!names.length) return [];
  if (push) {
    const effects: CommandEffect[] = [{ kind: 'push', tool, refs: names }];
    if (contentTrustOn(inv)) effects.push({ kind: 'sign', tool: `${tool} (DOCKER_CONTENT_TRUST=1)`, method: 'docker-content-trust', refs: names, unresolvedTarget: false, keyless: false });
    // BuildKit's build result: the pushed manifest's digest, in the metadata file and (for a pushed image) the iidfile.
    for (const file of flagValues(p, '--metadata-file')) {
      effects.push({ kind: 'file', path: file, text: JSON.stringify({ 'containerimage.digest': THIS_PUSH_DIGEST, 'image.name': names.join(','), [PARTIAL_JSON]: true }, null, 2) });
    }
    for (const file of flagValues(p, '--iidfile')) effects.push({ kind: 'file', path: file, text: THIS_PUSH_DIGEST });
    return effects;
  }
  const reason = hasFlag(p, '--load') ? `${tool} --load (not pushed)` : `${tool} without --push (not pushed)`;
  return names.map((name) => ({ kind: 'local', tool, name, reason }));
}

function dockerBake(args: Arg[]): CommandEffect[] {
  const p = parseArgs(args, BAKE_VALUE_FLAGS);
  return [
    {
      kind: 'bake',
      files: flagValues(p, '-f', '--file'),
      targets: p.positionals.map((x) => x.text),
      push: boolFlag(p, '--push') === true,
      set: flagValues(p, '--set'),
    },
  ];
}

const COMPOSE_VALUE_FLAGS = new Set(['-f', '--file', '-p', '--project-name', '--env-file', '--profile', '--project-directory', '--ansi', '--progress', '--parallel']);

/**
 * `docker compose [-f file…] push [service…]` and `… build --push`: the images of the compose services that build
 * one, read from the compose files the way bake reads them (bake's compose support is the same definition).
 */
export function classifyCompose(args: Arg[]): CommandEffect[] {
  let i = 0;
  const files: string[] = [];
  while (i < args.length && args[i]!.text.startsWith('-')) {
    const t = args[i]!.text;
    const eq = t.indexOf('=');
    const flag = eq > 0 ? t.slice(0, eq) : t;
    const takesValue = COMPOSE_VALUE_FLAGS.has(flag) && eq < 0;
    if (flag === '-f' || flag === '--file') files.push(eq > 0 ? t.slice(eq + 1) : (args[i + 1]?.text ?? ''));
    i += takesValue ? 2 : 1;
  }
  const sub = args[i]?.text;
  const rest = parseArgs(args.slice(i + 1), new Set(['--builder', '--build-arg', '--ssh', '-m', '--memory', '--progress']));
  const services = rest.positionals.map((x) => x.text);
  if (sub === 'push' || (sub === 'build' && boolFlag(rest, '--push') === true)) {
    return [{ kind: 'bake', files: files.filter(Boolean), targets: services, push: true, set: [] }];
  }
  return [];
}

function imagetoolsCreate(args: Arg[]): CommandEffect[] {
  const p = parseArgs(args, IMAGETOOLS_VALUE_FLAGS);
  if (boolFlag(p, '--dry-run')) return [];
  const known = flagValues(p, '-t', '--tag');
  // imagetools create always pushes (only --dry-run does not). Its tags given through a word the shell splits at
  // run time (`"${TAG_ARGS[@]}"` of an array built in a loop over unknown items) are still a push: of a name
  // computed at run time, reported unresolved, never nothing.
  const spread = p.positionals.find((a) => a.dynamic);
  const tags = known.length ? known : spread ? [spread.text] : [];
  if (!tags.length) return [];
  const effects: CommandEffect[] = [{ kind: 'push', tool: 'docker buildx imagetools create', refs: tags }];
  // Plain progress (the default off a terminal) logs `pushing <new digest> to <tag>` after each tag's copies;
  // rawjson or quiet progress prints something else.
  const progress = flagValues(p, '--progress').at(-1);
  // Its standard output is empty (only --dry-run, which pushes nothing, prints there).
  effects.push({ kind: 'stdout', text: '' });
  if (progress === undefined || progress === 'plain' || progress === 'auto') effects.push({ kind: 'stderr', text: `${pushOutputText('imagetools-create', THIS_PUSH_DIGEST)}\n` });
  return effects;
}

/**
 * `docker buildx imagetools inspect REF`: with `--format '{{json .Manifest}}'` (or `{{.Manifest.Digest}}`) it prints
 * the digest REF points to now, which is what the push that last wrote REF produced.
 */
function imagetoolsInspect(args: Arg[]): CommandEffect[] {
  const p = parseArgs(args, new Set(['--format', '--builder']));
  const ref = p.positionals[0];
  const format = flagValues(p, '--format').at(-1)?.replace(/\s+/g, '');
  if (!ref || ref.dynamic || format === undefined) return [];
  const digest = resolvedDigestText(ref.text);
  if (format === '{{json.Manifest}}') return [{ kind: 'stdout', text: `${JSON.stringify({ digest, [PARTIAL_JSON]: true }, null, 2)}\n` }];
  if (format === '{{json.}}') return [{ kind: 'stdout', text: `${JSON.stringify({ name: ref.text, manifest: { digest, [PARTIAL_JSON]: true }, [PARTIAL_JSON]: true }, null, 2)}\n` }];
  if (format === '{{.Manifest.Digest}}') return [{ kind: 'stdout', text: `${digest}\n` }];
  return [];
}

/**
 * `docker inspect --format '{{index .RepoDigests 0}}' REF`: the repository digest the daemon recorded when REF was
 * pushed (or pulled), as `name@sha256:…`.
 */
function dockerInspect(args: Arg[]): CommandEffect[] {
  const p = parseArgs(args, new Set(['-f', '--format', '--type']));
  const format = flagValues(p, '-f', '--format').at(-1)?.replace(/\s+/g, ' ').trim();
  const ref = p.positionals[0];
  if (!ref || ref.dynamic || p.positionals.length !== 1 || format === undefined) return [];
  if (!/^\{\{\s*index \.RepoDigests 0\s*\}\}$/.test(format)) return [];
  const parsed = parseImageRef(ref.text);
  if (!parsed.name || parsed.digest !== undefined) return [];
  const name = parsed.raw.slice(0, parsed.tag !== undefined ? parsed.raw.length - parsed.tag.length - 1 : parsed.raw.length);
  return [{ kind: 'stdout', text: `${name}@${resolvedDigestText(ref.text)}\n` }];
}
