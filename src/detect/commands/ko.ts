import { THIS_PUSH_DIGEST } from '../../model/digest.js';
import { boolFlag, flagValues, hasFlag, parseArgs } from './argv.js';
import type { CommandEffect, CommandInvocation } from './types.js';

const VALUE_FLAGS = new Set([
  '-t', '--tags', '--platform', '--image-refs', '--sbom', '--sbom-dir', '-f', '--filename', '--image-label',
  '--image-annotation', '--image-user', '-j', '--jobs', '-l', '--selector', '--debug', '--tarball', '--push',
]);
const PUSHING_SUBCOMMANDS = new Set(['build', 'publish', 'resolve', 'apply', 'create', 'run']);

/**
 * `ko build|publish|resolve|apply|create|run`. The image is KO_DOCKER_REPO plus a name derived from the Go import
 * path: `--bare` → KO_DOCKER_REPO itself; `-B` → + last path element; `-P` → + full import path; default → + last
 * element + `-<md5>` (the hash needs the module path, so only the last element is shown, with a note).
 * `--local`, `--push=false`, or KO_DOCKER_REPO=ko.local/kind.local keep the image local.
 */
export function classifyKo(inv: CommandInvocation, readYamlImportPaths?: (files: string[]) => string[]): CommandEffect[] {
  const sub = inv.args[0]?.text;
  // `ko login` writes the Docker config and logs to standard error.
  if (sub === 'login') return [{ kind: 'stdout', text: '' }];
  if (!sub || !PUSHING_SUBCOMMANDS.has(sub)) return [];
  // `--push=false` is the usual spelling; `--push false` is not valid for a pflag bool, so treat `--push` as boolean.
  const args = inv.args.slice(1);
  const p = parseArgs(args, new Set([...VALUE_FLAGS].filter((f) => f !== '--push')));
  const repo = inv.lookup('KO_DOCKER_REPO') ?? '$KO_DOCKER_REPO';
  const notes: string[] = [];
  let importPaths = p.positionals.map((x) => x.text);
  if (sub === 'resolve' || sub === 'apply' || sub === 'create') {
    const files = flagValues(p, '-f', '--filename');
    importPaths = readYamlImportPaths ? readYamlImportPaths(files) : [];
    if (!importPaths.length) importPaths = ['<ko:// import paths in ' + (files.join(', ') || 'the YAML input') + '>'];
  }
  if (!importPaths.length) importPaths = ['.'];
  const bare = hasFlag(p, '--bare');
  const base = hasFlag(p, '-B', '--base-import-paths');
  const preserve = hasFlag(p, '-P', '--preserve-import-paths');
  const names = bare
    ? [repo]
    : importPaths.map((ip) => {
        const clean = ip.replace(/^ko:\/\//, '').replace(/\/+$/, '');
        if (preserve) return `${repo}/${clean.replace(/^\.\//, '')}`;
        const last = clean.split('/').filter((s) => s && s !== '.').pop() ?? '<module>';
        if (!base) notes.push(`ko default naming appends -<md5 of the import path> to ${last}; shown without the hash`);
        return `${repo}/${last}`;
      });
  if (!bare && importPaths.some((ip) => ip.startsWith('.'))) notes.push('image name derived from the import path\'s last element (Go sources not read)');
  const tags = flagValues(p, '-t', '--tags').flatMap((t) => t.split(',')).filter(Boolean);
  const refs = tags.length && !tags.includes('latest') ? names.flatMap((n) => tags.map((t) => `${n}:${t}`)) : names;
  const local = boolFlag(p, '-L', '--local') === true || boolFlag(p, '--push') === false || /^(ko|kind)\.local(\/|$)/i.test(repo);
  if (local) return refs.map((name) => ({ kind: 'local', tool: `ko ${sub}`, name, reason: `ko ${sub} to a local daemon (not pushed)` }));
  const effects: CommandEffect[] = [{ kind: 'push', tool: `ko ${sub}`, refs, ...(notes.length ? { notes: [...new Set(notes)] } : {}) }];
  // What ko hands on: one digest reference per image built (`repo@sha256:…`, no tag), on standard output for
  // build/publish (resolve prints the YAML) and in the `--image-refs` file for all of them.
  const digestRefs = [...new Set(names)].map((n) => `${n}@${THIS_PUSH_DIGEST}\n`).join('');
  if (sub === 'build' || sub === 'publish') effects.push({ kind: 'stdout', text: digestRefs });
  for (const file of flagValues(p, '--image-refs')) effects.push({ kind: 'file', path: file, text: digestRefs });
  return effects;
}
