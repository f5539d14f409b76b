import { posix } from 'node:path';
import type { RepoReader } from '../discover/repo.js';
import type { AnalysisBudget } from '../util/budget.js';
import { parseDocument, splitDocuments } from './documents.js';
import { findCommands, type DeployCommand } from './commands.js';
import { classifyPath } from './paths.js';

/**
 * Which files something deploys. A policy counts only where the repository shows how it reaches a cluster:
 *
 * - commands that apply it: `kubectl apply -f/-k`, `kustomize build … | kubectl apply`, `helm install/upgrade`,
 *   `flux bootstrap --path`, in CI workflows, scripts and Makefiles (read as text, never run), and commands
 *   documented in Markdown or Artifact Hub package metadata ("documented deployment");
 * - Kustomizations (`resources`, `bases`, `components`, transitively) whose root is itself deployed;
 * - Argo CD `Application`/`ApplicationSet` `source.path` / `sources[].path` and Flux `Kustomization` `spec.path`
 *   (a Flux path without kustomization.yaml is generated from every manifest below it, and a subdirectory with its
 *   own kustomization.yaml comes in through that file, not by descending further);
 * - Helm charts with a Chart.yaml (templates are evaluated against the chart's values.yaml elsewhere);
 * - GitOps roots: Flux objects in a `flux-system` folder (written by `flux bootstrap`), GitOps objects and
 *   Kustomize roots that no kustomization.yaml above them governs (applied by hand, the app-of-apps root), and
 *   `clusters/<name>/` in a repository that has GitOps objects.
 *
 * A manifest that nothing references and no kustomization.yaml governs is a standalone manifest: it counts as
 * applied by hand, unless it is under a `templates/` folder without a Chart.yaml, in a lab/demo/attack folder, or
 * a copy of a sample. A file governed by a kustomization.yaml that nothing deploys does not count: the
 * kustomization decides what is deployed (an entry commented out there is not an entry).
 *
 * Everything is bounded: a visited set makes cyclic Kustomizations and Applications terminate, and the number of
 * steps is capped.
 */

export type DeployStatus = { deployed: true; reason: string } | { deployed: false; reason: string };

export interface DeploymentIndex {
  /** Why a file (holding a policy) counts or does not. */
  statusOf(file: string): DeployStatus;
  limits: string[];
}

const MAX_STEPS = 50_000;
const MAX_CHAIN = 6;
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST = /\.(ya?ml|json)$/i;
/** Folders for experiments and demonstrations: nothing there is deployed unless something references it. */
const LAB_SEGMENT = /^(?:labs?|demos?|attacks?|playground|sandbox|poc|scratch|tmp|archived?|deprecated|unused|experiments?)$|^(?:lab|labs|demo|demos|attack|attacks)[-_.\d]|[-_.](?:lab|labs|demo|demos|attack|attacks)$/;

interface GitOpsObject {
  file: string;
  name: string;
  line: number;
  what: string;
  paths: Array<{ path: string; line: number; recurse: boolean }>;
  flux: boolean;
}

type Mode = 'file' | 'flat' | 'recursive' | 'flux' | 'argo' | 'kustomize' | 'chart';

interface Task {
  mode: Mode;
  path: string;
  chain: string[];
  recurse?: boolean;
}

/** The nearest links and the root, which says what starts the deployment. */
function chainText(chain: string[]): string {
  return chain.length > MAX_CHAIN ? [...chain.slice(0, MAX_CHAIN - 1), '…', chain[chain.length - 1]!].join(', ') : chain.join(', ');
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function join(dir: string, rel: string): string | undefined {
  const cleaned = rel.replace(/^["']|["']$/g, '');
  if (!cleaned || cleaned.includes('\u0000')) return undefined;
  const p = posix.normalize(cleaned.startsWith('/') ? cleaned.slice(1) : posix.join(dir || '.', cleaned));
  if (p === '..' || p.startsWith('../')) return undefined;
  return p === '.' ? '' : p.replace(/\/+$/, '');
}

/** A text whose comment and blank lines are dropped, to tell a copy from an original. */
export function normalizedManifest(text: string): string {
  return text
    .split('\n')
    .map((l) => stripComment(l).trimEnd())
    .filter((l) => l.trim())
    .join('\n');
}

/** A line without its trailing `# comment` (a `#` at the start or after whitespace), found without a regex. */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
  }
  return line;
}

export interface DeploymentInput {
  repo: RepoReader;
  repository?: string;
  /** Files that hold sample policies (examples/samples folders), to recognise unreferenced copies of them. */
  sampleFiles: string[];
  /** The run's: every YAML parse is charged to it. */
  budget?: AnalysisBudget;
}

export function indexDeployments(input: DeploymentInput): DeploymentIndex {
  const { repo } = input;
  const limits: string[] = [];
  const children = new Map<string, string[]>();
  const subdirs = new Map<string, Set<string>>();
  const kustomizationIn = new Map<string, string>();
  const charts = new Set<string>();
  const gitops: GitOpsObject[] = [];
  const commands: DeployCommand[] = [];
  for (const f of repo.files) {
    const dir = dirOf(f.path);
    const base = f.path.slice(dir ? dir.length + 1 : 0);
    const list = children.get(dir);
    if (list) list.push(f.path);
    else children.set(dir, [f.path]);
    // Register the folder chain; stop where the parent already knows the child (its ancestors do too).
    if (!subdirs.has(dir)) {
      subdirs.set(dir, new Set());
      let d = dir;
      for (let guard = 0; d && guard < 256; guard++) {
        const parent = dirOf(d);
        const set = subdirs.get(parent);
        if (set?.has(d)) break;
        if (set) set.add(d);
        else subdirs.set(parent, new Set([d]));
        d = parent;
      }
    }
    if (KUSTOMIZATION_NAMES.includes(base)) {
      if (!kustomizationIn.has(dir)) kustomizationIn.set(dir, f.path);
    } else if (base === 'Chart.yaml') charts.add(dir);
  }
  for (const f of repo.files) {
    if (MANIFEST.test(f.path) && classifyPath(f.path) !== 'skip') {
      const r = repo.read(f.path, { scan: true });
      if (r.ok && (r.text.includes('argoproj.io') || r.text.includes('kustomize.toolkit.fluxcd.io'))) gitops.push(...readGitOps(f.path, r.text, input.budget));
    }
    commands.push(...findCommands(repo, f.path, input.repository));
  }
  const isDir = (p: string): boolean => subdirs.has(p);
  const exists = (p: string): boolean => repo.has(p);

  const reached = new Map<string, string>();
  const visited = new Set<string>();
  const kustomizationLists = new Map<string, Map<string, number>>();
  const gitopsByFile = new Map<string, GitOpsObject[]>();
  for (const g of gitops) gitopsByFile.set(g.file, [...(gitopsByFile.get(g.file) ?? []), g]);
  let steps = 0;
  const queue: Task[] = [];

  const mark = (file: string, chain: string[]): void => {
    if (reached.has(file)) return;
    reached.set(file, chainText(chain));
    for (const g of gitopsByFile.get(file) ?? []) enqueueGitOps(g, chain);
  };
  const enqueueGitOps = (g: GitOpsObject, chain: string[]): void => {
    for (const p of g.paths) {
      const target = join('', p.path);
      if (target === undefined) continue;
      queue.push({ mode: g.flux ? 'flux' : 'argo', path: target, chain: [`reconciled by ${g.what} (${g.file}:${p.line})`, ...chain], recurse: p.recurse });
    }
  };
  const filesUnder = (dir: string, recursive: boolean, out: (file: string) => void, onKustomization?: (dir: string) => void): void => {
    const stack = [dir];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (++steps > MAX_STEPS) return;
      for (const f of children.get(d) ?? []) if (MANIFEST.test(f)) out(f);
      if (!recursive) continue;
      for (const s of subdirs.get(d) ?? []) {
        if (onKustomization && kustomizationIn.has(s)) onKustomization(s);
        else stack.push(s);
      }
    }
  };

  const run = (): void => {
    runQueue();
    queue.length = 0;
  };
  const runQueue = (): void => {
    for (let head = 0; head < queue.length; head++) {
      if (++steps > MAX_STEPS) {
        if (!limits.some((l) => l.startsWith('deployment index'))) limits.push(`deployment index: step bound (${MAX_STEPS}) hit; some deployed files may be reported as not counted`);
        break;
      }
      const task = queue[head]!;
      const key = `${task.mode}\u0000${task.path}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const { path, chain } = task;
      switch (task.mode) {
        case 'file':
          if (exists(path)) mark(path, chain);
          else if (isDir(path)) queue.push({ ...task, mode: 'flat' });
          break;
        case 'flat':
        case 'recursive':
          if (!isDir(path)) {
            if (exists(path)) mark(path, chain);
            break;
          }
          filesUnder(path, task.mode === 'recursive', (f) => mark(f, [`under ${path}/`, ...chain]));
          break;
        case 'flux':
          if (exists(path) && !isDir(path)) mark(path, chain);
          else if (kustomizationIn.has(path)) queue.push({ mode: 'kustomize', path, chain });
          else
            filesUnder(
              path,
              true,
              (f) => mark(f, [`under ${path || '.'}/ (Flux generates its kustomization)`, ...chain]),
              (sub) => queue.push({ mode: 'kustomize', path: sub, chain: [`included by the Flux path ${path || '.'}/`, ...chain] }),
            );
          break;
        case 'argo':
          if (kustomizationIn.has(path)) queue.push({ mode: 'kustomize', path, chain });
          else if (charts.has(path)) queue.push({ mode: 'chart', path, chain });
          else queue.push({ mode: task.recurse ? 'recursive' : 'flat', path, chain });
          break;
        case 'chart':
          filesUnder(path, true, (f) => mark(f, [`part of the Helm chart ${path ? `${path}/` : ''}Chart.yaml`, ...chain]));
          break;
        case 'kustomize': {
          const file = exists(path) && !isDir(path) ? path : kustomizationIn.get(path);
          if (!file) {
            queue.push({ mode: 'flat', path, chain });
            break;
          }
          mark(file, chain);
          const entries = kustomizationEntries(repo, file, kustomizationLists, input.budget);
          for (const [rel, line] of entries) {
            const target = join(dirOf(file), rel);
            if (target === undefined) continue;
            const link = [`listed in ${file}:${line}`, ...chain];
            if (isDir(target)) queue.push({ mode: 'kustomize', path: target, chain: link });
            else queue.push({ mode: 'file', path: target, chain: link });
          }
          break;
        }
      }
    }
  };

  // 1. What commands and documentation apply.
  const resolve = (c: DeployCommand): string | undefined => {
    for (const b of c.bases) {
      const p = join(b, c.raw);
      if (p === undefined) continue;
      if (c.kind === 'glob' ? isDir(dirOf(p)) : exists(p) || isDir(p)) return p;
    }
    return undefined;
  };
  for (const c of commands) {
    const target = resolve(c);
    if (target === undefined) continue;
    const chain = [c.documented ? `documented deployment: ${c.text} (${c.file}:${c.line})` : `applied by ${c.text} (${c.file}:${c.line})`];
    if (c.kind === 'kustomize') queue.push({ mode: 'kustomize', path: target, chain });
    else if (c.kind === 'helm') queue.push({ mode: charts.has(target) ? 'chart' : 'file', path: target, chain });
    else if (c.kind === 'flux') queue.push({ mode: 'flux', path: target, chain });
    else if (c.kind === 'argo') queue.push({ mode: 'argo', path: target, chain });
    else if (c.kind === 'glob') {
      for (const f of children.get(dirOf(target)) ?? []) if (globMatch(target.slice(target.lastIndexOf('/') + 1), f.slice(f.lastIndexOf('/') + 1))) queue.push({ mode: 'file', path: f, chain });
    } else queue.push({ mode: c.recursive ? 'recursive' : 'file', path: target, chain });
  }
  // 2. Flux bootstrap objects and every Helm chart.
  // `flux bootstrap` writes a Kustomization named flux-system that reconciles the folder it sits in.
  for (const g of gitops) {
    const selfReconciling = g.paths.some((p) => {
      const t = join('', p.path);
      return t !== undefined && (t === '' || g.file.startsWith(`${t}/`));
    });
    if (g.flux && (g.name === 'flux-system' || (/(^|\/)flux-system\//.test(g.file) && selfReconciling)))
      queue.push({ mode: 'file', path: g.file, chain: [`${g.what} (${g.file}:${g.line}), installed by flux bootstrap`] });
  }
  for (const c of charts) if (classifyPath(c ? `${c}/Chart.yaml` : 'Chart.yaml') === 'deployable') queue.push({ mode: 'chart', path: c, chain: [] });
  run();
  // 3. Roots that nothing governs: GitOps objects, conventional clusters/<name>/ folders, Kustomize roots.
  const governed = (dir: string, strict: boolean): string | undefined => {
    let d: string | undefined = strict ? (dir ? dirOf(dir) : undefined) : dir;
    let guard = 0;
    while (d !== undefined && guard++ < 64) {
      const k = kustomizationIn.get(d);
      if (k) return k;
      if (!d) return undefined;
      d = dirOf(d);
    }
    return undefined;
  };
  // `clusters/<name>/` is where `flux bootstrap --path` points by convention.
  if (gitops.length > 0) {
    for (const c of subdirs.get('clusters') ?? []) queue.push({ mode: 'flux', path: c, chain: [`the GitOps cluster root ${c}/ (the folder flux bootstrap reconciles by convention)`] });
    run();
  }
  // An object inside another one's path is reached through it when that one is a root: roots first (then the
  // shallowest, for app-of-apps trees that also reconcile their own folder), one at a time.
  const inside = (g: GitOpsObject): boolean =>
    gitops.some((o) => o !== g && o.paths.some((p) => {
      const t = join('', p.path);
      return t !== undefined && (t === '' || g.file.startsWith(`${t}/`));
    }));
  const candidates = gitops.filter((g) => !governed(dirOf(g.file), false) && eligible(g.file));
  const depth = (g: GitOpsObject): number => g.file.split('/').length;
  const ordered = [...candidates].sort((a, b) => Number(inside(a)) - Number(inside(b)) || depth(a) - depth(b));
  for (const g of ordered) {
    if (reached.has(g.file)) continue;
    queue.push({ mode: 'file', path: g.file, chain: [`${g.file}, which nothing references, applied by hand as a GitOps root`] });
    run();
  }
  for (const [dir, file] of kustomizationIn) {
    if (visited.has(`kustomize\u0000${dir}`) || governed(dir, true) || !eligible(file)) continue;
    const r = repo.read(file);
    if (!r.ok || /^kind:\s*Component\b/m.test(r.text)) continue;
    queue.push({ mode: 'kustomize', path: dir, chain: [`Kustomize root ${file} that nothing references, taken as applied by hand (kubectl apply -k)`] });
  }
  run();

  const sampleTexts = new Map<string, string>();
  for (const s of input.sampleFiles) {
    const r = repo.read(s);
    if (r.ok) sampleTexts.set(normalizedManifest(r.text), s);
  }

  const statusOf = (file: string): DeployStatus => {
    const reason = reached.get(file);
    if (reason !== undefined) return { deployed: true, reason };
    const k = governed(dirOf(file), false);
    if (k) {
      const listed = kustomizationLists.get(k) ?? kustomizationEntries(repo, k, kustomizationLists, input.budget);
      const line = [...listed].find(([rel]) => join(dirOf(k), rel) === file || file.startsWith(`${join(dirOf(k), rel) ?? '\u0000'}/`))?.[1];
      return { deployed: false, reason: line !== undefined ? `listed in ${k}:${line}, but nothing deploys ${k}` : `${k} governs this folder and does not list it, and nothing else deploys it` };
    }
    const templates = /(^|\/)templates\//.exec(file);
    if (templates) return { deployed: false, reason: 'under a templates/ folder with no Chart.yaml: nothing renders or applies it' };
    const lab = file.split('/').slice(0, -1).find((s) => LAB_SEGMENT.test(s.toLowerCase()));
    if (lab) return { deployed: false, reason: `in the ${lab}/ folder, which nothing deploys or references` };
    const r = repo.read(file);
    const copyOf = r.ok ? sampleTexts.get(normalizedManifest(r.text)) : undefined;
    if (copyOf) return { deployed: false, reason: `an unreferenced copy of the sample ${copyOf}` };
    return { deployed: true, reason: 'standalone manifest that nothing in the repository references or governs; counted as applied by hand (kubectl apply -f)' };
  };
  return { statusOf, limits };
}

/** Not under a test/example folder (those never count) nor a lab/demo one. */
function eligible(file: string): boolean {
  return classifyPath(file) === 'deployable' && !file.split('/').slice(0, -1).some((s) => LAB_SEGMENT.test(s.toLowerCase()));
}

/** `resources`, `bases` and `components` entries of a kustomization file with their lines; remote ones dropped. */
function kustomizationEntries(repo: RepoReader, file: string, cache: Map<string, Map<string, number>>, budget: AnalysisBudget | undefined): Map<string, number> {
  const hit = cache.get(file);
  if (hit) return hit;
  const out = new Map<string, number>();
  cache.set(file, out);
  const r = repo.read(file);
  if (!r.ok) return out;
  const parsed = parseDocument({ text: r.text, startLine: 1 }, file, budget);
  const doc = parsed.docs[0];
  if (!doc) return out;
  for (const key of ['resources', 'bases', 'components']) {
    for (const item of doc.items(doc.get(doc.root, key))) {
      const v = doc.str(item);
      if (!v || /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(v) || v.includes('?ref=')) continue;
      if (!out.has(v)) out.set(v, doc.line(item));
    }
  }
  return out;
}

/** Argo CD Applications/ApplicationSets and Flux Kustomizations in one file, with the paths they reconcile. */
function readGitOps(file: string, text: string, budget: AnalysisBudget | undefined): GitOpsObject[] {
  const out: GitOpsObject[] = [];
  for (const part of splitDocuments(text)) {
    const kind = /^kind:\s*["']?(\w+)/m.exec(part.text)?.[1];
    const argo = (kind === 'Application' || kind === 'ApplicationSet') && part.text.includes('argoproj.io');
    const flux = kind === 'Kustomization' && part.text.includes('kustomize.toolkit.fluxcd.io');
    if (!argo && !flux) continue;
    const parsed = parseDocument(part, file, budget);
    const doc = parsed.docs[0];
    if (!doc || !doc.isMap(doc.root)) continue;
    const name = doc.strAt(doc.root, 'metadata', 'name') ?? '(unnamed)';
    const spec = doc.get(doc.root, 'spec');
    const paths: GitOpsObject['paths'] = [];
    if (flux) {
      const p = doc.get(spec, 'path');
      const v = doc.str(p);
      paths.push({ path: v ?? '', line: doc.line(p ?? spec), recurse: true });
    } else {
      const appSpec = kind === 'ApplicationSet' ? doc.path(spec, 'template', 'spec') : spec;
      const sources = [doc.get(appSpec, 'source'), ...doc.items(doc.get(appSpec, 'sources'))].filter((s) => s !== null);
      for (const s of sources) {
        if (doc.strAt(s, 'chart')) continue;
        const p = doc.get(s, 'path');
        const v = doc.str(p);
        if (v === undefined || v.includes('{{')) continue;
        paths.push({ path: v, line: doc.line(p), recurse: doc.strAt(s, 'directory', 'recurse') === 'true' });
      }
    }
    out.push({ file, name, line: doc.line(doc.get(doc.root, 'kind')), what: `${flux ? 'Flux Kustomization' : `Argo CD ${kind}`} ${name}`, paths, flux });
  }
  return out;
}

/** `*` and `?` wildcards in one path segment, matched without building a regex from the text. */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
