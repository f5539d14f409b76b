import { posix } from 'node:path';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import type { Location } from '../model/location.js';
import type { RemoteFileLookup } from '../model/pipeline.js';
import { firstYamlError, parseYaml, yamlDocs, type ParsedYaml, type YamlDoc } from '../parse/yaml.js';
import type { AnalysisBudget } from '../util/budget.js';

/**
 * goreleaser Pro `includes:` (https://goreleaser.com/customization/includes): other config files, "included
 * recursively in the order they are declared", from a path (`from_file: {path}`) or a URL (`from_url: {url}`; the
 * `https://raw.githubusercontent.com/` prefix may be omitted).
 *
 * The config is read as layers: the file goreleaser is given first, then each include in declaration order, each
 * followed by its own includes. The documentation does not spell the merge out; the readers apply it the way a
 * merge of the decoded YAML does: list sections (`dockers`, `docker_manifests`, `dockers_v2`, `kos`, `docker_signs`,
 * `env`) gather the entries of every layer, and a single value (`project_name`, a variable) is the including file's
 * when it sets one, else the first include's that does.
 *
 * `from_url` files on GitHub are read from the remote checkouts (`--remote-checkouts`); other URLs, and GitHub files
 * without a checkout, are not inspected and say so.
 */
export interface ConfigLayer {
  y: YamlDoc;
  /** Display path: repository-relative, or `owner/repo/path@ref` for remote files. */
  file: string;
}

export interface UninspectedInclude {
  url: string;
  location: Location;
  why: string;
}

export interface LoadedLayers {
  layers: ConfigLayer[];
  uninspected: UninspectedInclude[];
  limits: string[];
  /** `text`: the file as read, for the lexical scan of what it may hide (src/detect/hidden-pushes.ts). */
  parseErrors: Array<{ file: string; line: number; message: string; parsed: ParsedYaml; text: string }>;
}

/** Includes nest; bound the depth (and refuse cycles) like every other indirection. */
export const MAX_INCLUDE_DEPTH = 8;

/**
 * The layers in order. Each include's parse is charged to the run's budget (includes can be many: each distinct
 * file once); once the budget is spent the rest are not read, with a hit at the include.
 */
export function loadConfigLayers(main: ConfigLayer, repo: RepoReader, workdir: string, remoteFiles: RemoteFileLookup | undefined, budget?: AnalysisBudget): LoadedLayers {
  const out: LoadedLayers = { layers: [], uninspected: [], limits: [], parseErrors: [] };
  const seen = new Set<string>([main.file]);
  const visit = (layer: ConfigLayer, depth: number): void => {
    out.layers.push(layer);
    const { y } = layer;
    for (const entry of y.items(y.get(y.root, 'includes'))) {
      const location: Location = { file: layer.file, line: y.line(entry) };
      const fromFile = y.str(y.get(y.get(entry, 'from_file'), 'path'));
      const fromUrl = y.str(y.get(y.get(entry, 'from_url'), 'url'));
      let next: { text: string; file: string } | undefined;
      if (fromFile !== undefined) {
        const path = localPath(repo, workdir, layer.file, fromFile.trim());
        if (!path) {
          out.limits.push(`goreleaser include ${fromFile} (${location.file}:${location.line}) is not in the repository`);
          continue;
        }
        const r = repo.read(path);
        if (!r.ok) {
          out.limits.push(`goreleaser include ${path} not read: ${r.reason}`);
          continue;
        }
        next = { text: r.text, file: path };
      } else if (fromUrl !== undefined) {
        const gh = githubRawUrl(fromUrl.trim());
        if (!gh) {
          out.uninspected.push({ url: fromUrl.trim(), location, why: 'only GitHub files are read, from the remote checkouts' });
          continue;
        }
        const got = remoteFiles ? remoteFiles(gh.owner, gh.repo, gh.ref, gh.path) : { error: 'no remote checkouts given' };
        if ('error' in got) {
          out.uninspected.push({ url: fromUrl.trim(), location, why: got.error });
          continue;
        }
        next = { text: got.text, file: got.display };
      } else continue;
      if (seen.has(next.file)) {
        out.limits.push(`goreleaser include ${next.file} (${location.file}:${location.line}) includes itself; not read again`);
        continue;
      }
      if (depth + 1 >= MAX_INCLUDE_DEPTH) {
        out.limits.push(`goreleaser include nesting bound (${MAX_INCLUDE_DEPTH}) hit at ${location.file}:${location.line}; ${next.file} not read`);
        continue;
      }
      seen.add(next.file);
      if (budget?.exhausted) {
        budget.stopped(`goreleaser include ${next.file}`, location);
        return;
      }
      const parsed = parseYaml(next.text, next.file, budget);
      const doc = yamlDocs(parsed)[0];
      if (parsed.errors.length > 0 || !doc || !doc.isMap(doc.root)) {
        const first = firstYamlError(parsed);
        out.parseErrors.push({ file: next.file, line: first?.line ?? 1, message: first?.message ?? 'not a YAML mapping', parsed, text: next.text });
        continue;
      }
      visit({ y: doc, file: next.file }, depth + 1);
    }
  };
  visit(main, 0);
  return out;
}

/** A `from_file` path: relative to where goreleaser runs, else to the including file's directory. */
function localPath(repo: RepoReader, workdir: string, including: string, path: string): string | undefined {
  if (/\{\{|\$/.test(path)) return undefined;
  const candidates = [posix.join(workdir || '.', path), posix.join(posix.dirname(including), path)];
  for (const c of candidates) {
    const rel = normalizeRelPath(c);
    if (rel !== undefined && repo.has(rel)) return rel;
  }
  return undefined;
}

/**
 * `https://raw.githubusercontent.com/OWNER/REPO/REF/PATH`, or the same without the prefix (`OWNER/REPO/REF/PATH`).
 * A `refs/heads/x` / `refs/tags/x` ref keeps its three segments.
 */
export function githubRawUrl(url: string): { owner: string; repo: string; ref: string; path: string } | undefined {
  let rest: string;
  const prefixed = /^https?:\/\/raw\.githubusercontent\.com\/(.+)$/i.exec(url);
  if (prefixed) rest = prefixed[1]!;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) rest = url;
  else return undefined;
  const parts = rest.split('/').filter(Boolean);
  if (parts.length < 4) return undefined;
  const [owner, repo] = parts as [string, string];
  const refLen = parts[2] === 'refs' && (parts[3] === 'heads' || parts[3] === 'tags') ? 3 : 1;
  if (parts.length < 3 + refLen) return undefined;
  const ref = parts.slice(2, 2 + refLen).join('/');
  const path = parts.slice(2 + refLen).join('/');
  if (!/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(repo) || /\{\{/.test(rest)) return undefined;
  return { owner, repo, ref, path };
}
