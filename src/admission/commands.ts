import type { RepoReader } from '../discover/repo.js';

/**
 * Commands that put manifests into a cluster, found in the text of CI workflows, scripts, Makefiles and
 * documentation (Markdown, Artifact Hub package metadata). Nothing is executed: each logical line is split into
 * shell words and matched against a handful of command shapes. Targets that contain unresolved expansions are
 * dropped; commands in test, e2e and demo places (file names, Makefile targets) are not deployments.
 */

export interface DeployCommand {
  /** file: `kubectl apply -f`; kustomize: `-k` or `kustomize build | kubectl apply`; helm: a chart or values file; flux: a bootstrap path; glob: `-f dir/*.yaml`. */
  kind: 'file' | 'kustomize' | 'helm' | 'flux' | 'argo' | 'glob';
  /** As written (quotes and `./` removed). */
  raw: string;
  /** Folders the target may be relative to, most likely first ('' is the repository root). */
  bases: string[];
  recursive: boolean;
  file: string;
  line: number;
  /** The command, shortened, for the report. */
  text: string;
  /** From documentation, not automation. */
  documented: boolean;
}

type SourceKind = 'workflow' | 'make' | 'script' | 'docs';

const TEST_SEGMENTS = new Set(['test', 'tests', 'testdata', 'test-data', '_testdata', 'testing', 'e2e', 'fixture', 'fixtures', '__tests__', 'vendor', 'third_party', 'node_modules']);
const TEST_NAME = /(^|[-_.])(tests?|e2e|demos?|examples?|samples?|ci-test|integration)([-_.]|$)/i;
const TEST_TARGET = /test|e2e|demo|example|sample|undeploy|delete|clean|uninstall/i;
const TRIGGER = /kubectl|KUBECTL|kustomize|KUSTOMIZE|\bhelm\b|\bHELM\b|flux\s+bootstrap|\boc\s+(apply|create)|argocd\s+app/;
const MAX_LINE = 4000;
const MAX_COMMANDS_PER_FILE = 500;

export function sourceKind(path: string): SourceKind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || base === '.gitlab-ci.yml') return 'workflow';
  if (/^(GNU)?[Mm]akefile$|\.mk$/.test(base)) return 'make';
  if (/\.(sh|bash)$/.test(base) || /^Taskfile(\.dist)?\.ya?ml$|^justfile$/i.test(base)) return 'script';
  if (/\.(md|markdown)$/i.test(base) || /^artifacthub-pkg\.ya?ml$/.test(base)) return 'docs';
  return undefined;
}

export function findCommands(repo: RepoReader, path: string, repository?: string): DeployCommand[] {
  const kind = sourceKind(path);
  if (!kind) return [];
  const segments = path.split('/');
  const base = segments[segments.length - 1] ?? '';
  if (segments.slice(0, -1).some((s) => TEST_SEGMENTS.has(s.toLowerCase()))) return [];
  if (kind !== 'docs' && TEST_NAME.test(base.replace(/\.[^.]*$/, ''))) return [];
  const r = repo.read(path, { scan: true });
  if (!r.ok || !TRIGGER.test(r.text)) return [];
  const dir = segments.slice(0, -1).join('/');
  const bases = kind === 'workflow' ? [''] : kind === 'make' ? [dir] : dir ? [dir, ''] : [''];
  const out: DeployCommand[] = [];
  const lines = r.text.split('\n');
  let target = '';
  for (let i = 0; i < lines.length && out.length < MAX_COMMANDS_PER_FILE; i++) {
    const first = i;
    let line = lines[i] ?? '';
    while (line.endsWith('\\') && i + 1 < lines.length && line.length < MAX_LINE) line = `${line.slice(0, -1)} ${lines[++i] ?? ''}`;
    if (line.length > MAX_LINE) continue;
    if (kind === 'make') {
      const t = /^([A-Za-z0-9_./%-]+)\s*:(?!=)/.exec(line);
      if (t && !line.startsWith('\t')) target = t[1] ?? '';
      if (!line.startsWith('\t') && !t) continue;
      if (TEST_TARGET.test(target)) continue;
    }
    if (!TRIGGER.test(line)) continue;
    if (/^\s*#/.test(line) && kind !== 'docs') continue;
    for (const c of commandsInLine(line, repository)) out.push({ ...c, bases, file: path, line: first + 1, documented: kind === 'docs' });
  }
  return out;
}

type LineCommand = Omit<DeployCommand, 'bases' | 'file' | 'line' | 'documented'>;

const KUBECTL = /^(?:kubectl|oc|\S*\/kubectl|\$[({]\w*KUBECTL\w*[)}])$/;
const KUSTOMIZE = /^(?:kustomize|\S*\/kustomize|\$[({]\w*KUSTOMIZE\w*[)}])$/;
const HELM = /^(?:helm|\S*\/helm|\$[({]\w*HELM\w*[)}])$/;
const HELM_VALUE_FLAGS = new Set(['-f', '--values', '-n', '--namespace', '--set', '--set-string', '--set-file', '--set-json', '--version', '--repo', '--kube-context', '--kubeconfig', '--timeout', '-o', '--output', '--description', '--post-renderer', '--username', '--password', '--ca-file', '--cert-file', '--key-file']);

/** Shell words of one pipeline segment, quotes removed; no expansion. */
function words(segment: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(segment); m; m = re.exec(segment)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function shorten(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}

/** A target as written, or undefined when it is stdin, remote elsewhere, or unresolved. */
export function cleanTarget(raw: string, repository?: string): string | undefined {
  let t = raw.replace(/[;,)`]+$/, '');
  const url = /^https?:\/\/(?:raw\.githubusercontent\.com\/([^/]+)\/([^/]+)\/[^/]+\/(.+)|github\.com\/([^/]+)\/([^/]+)\/(?:blob|tree|raw)\/[^/]+\/(.+))$/.exec(t);
  if (url) {
    const owner = url[1] ?? url[4] ?? '';
    const name = (url[2] ?? url[5] ?? '').replace(/\.git$/, '');
    if (repository && repository.toLowerCase() !== `${owner}/${name}`.toLowerCase()) return undefined;
    t = url[3] ?? url[6] ?? '';
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(t)) return undefined;
  if (!t || t === '-' || /[$<>{}`|&]/.test(t)) return undefined;
  return t.replace(/^\.\//, '');
}

export function commandsInLine(line: string, repository?: string): LineCommand[] {
  const out: LineCommand[] = [];
  const segments = line.split(/\|\||&&|;|\|/);
  const text = shorten(line.replace(/^\s*[-$>]\s+/, '').replace(/^\s*run:\s*/, ''));
  // applied[i]: some segment after i is `kubectl apply|create` (one pass, so a long line stays linear).
  const applied: boolean[] = new Array<boolean>(segments.length).fill(false);
  for (let i = segments.length - 2; i >= 0; i--) {
    const w = words(segments[i + 1] ?? '');
    applied[i] = applied[i + 1] === true || (w.length > 1 && KUBECTL.test(w[0]!) && (w.includes('apply') || w.includes('create')));
  }
  const appliesAfter = (i: number): boolean => applied[i] === true;
  for (let i = 0; i < segments.length; i++) {
    const w = words(segments[i] ?? '');
    const at = w.findIndex((x) => KUBECTL.test(x) || KUSTOMIZE.test(x) || HELM.test(x) || x === 'flux' || x === 'argocd');
    if (at < 0) continue;
    const cmd = w[at]!;
    const rest = w.slice(at + 1);
    if (KUBECTL.test(cmd)) {
      const sub = rest.find((x) => !x.startsWith('-'));
      if (sub === 'kustomize') {
        const target = rest.slice(rest.indexOf('kustomize') + 1).find((x) => !x.startsWith('-'));
        const t = target !== undefined && appliesAfter(i) ? cleanTarget(target, repository) : undefined;
        if (t !== undefined) out.push({ kind: 'kustomize', raw: t, recursive: false, text });
        continue;
      }
      if (sub !== 'apply' && sub !== 'create' && sub !== 'replace') continue;
      const recursive = rest.includes('-R') || rest.includes('--recursive');
      for (let j = 0; j < rest.length; j++) {
        const x = rest[j]!;
        let value: string | undefined;
        let k: 'file' | 'kustomize' | undefined;
        if (x === '-f' || x === '--filename') [value, k] = [rest[++j], 'file'];
        else if (x === '-k' || x === '--kustomize') [value, k] = [rest[++j], 'kustomize'];
        else if (x.startsWith('--filename=')) [value, k] = [x.slice(11), 'file'];
        else if (x.startsWith('--kustomize=')) [value, k] = [x.slice(12), 'kustomize'];
        else if (/^-f\S/.test(x)) [value, k] = [x.slice(2).replace(/^=/, ''), 'file'];
        else if (/^-k\S/.test(x)) [value, k] = [x.slice(2).replace(/^=/, ''), 'kustomize'];
        if (value === undefined || !k) continue;
        const t = cleanTarget(value, repository);
        if (t === undefined) continue;
        out.push({ kind: k === 'file' && t.slice(t.lastIndexOf('/') + 1).includes('*') ? 'glob' : k, raw: t, recursive, text });
      }
    } else if (KUSTOMIZE.test(cmd)) {
      if (rest[0] !== 'build' || !appliesAfter(i)) continue;
      const target = rest.slice(1).find((x) => !x.startsWith('-')) ?? '.';
      const t = cleanTarget(target, repository);
      if (t !== undefined) out.push({ kind: 'kustomize', raw: t, recursive: false, text });
    } else if (HELM.test(cmd)) {
      const sub = rest[0];
      if (sub !== 'install' && sub !== 'upgrade') continue;
      const positional: string[] = [];
      for (let j = 1; j < rest.length; j++) {
        const x = rest[j]!;
        if (x === '-f' || x === '--values' || x.startsWith('--values=') || /^-f\S/.test(x)) {
          const v = x === '-f' || x === '--values' ? rest[++j] : x.startsWith('--values=') ? x.slice(9) : x.slice(2).replace(/^=/, '');
          const t = v !== undefined ? cleanTarget(v, repository) : undefined;
          if (t !== undefined) out.push({ kind: 'file', raw: t, recursive: false, text });
        } else if (x.startsWith('-')) {
          if (!x.includes('=') && HELM_VALUE_FLAGS.has(x)) j++;
        } else positional.push(x);
      }
      const chart = rest.includes('--generate-name') ? positional[0] : positional[1];
      const t = chart !== undefined ? cleanTarget(chart, repository) : undefined;
      if (t !== undefined) out.push({ kind: 'helm', raw: t, recursive: false, text });
    } else if (cmd === 'flux' || cmd === 'argocd') {
      if (cmd === 'flux' ? rest[0] !== 'bootstrap' : rest[0] !== 'app' || rest[1] !== 'create') continue;
      for (let j = 0; j < rest.length; j++) {
        const x = rest[j]!;
        const v = x === '--path' ? rest[++j] : x.startsWith('--path=') ? x.slice(7) : undefined;
        const t = v !== undefined ? cleanTarget(v, repository) : undefined;
        if (t !== undefined) out.push({ kind: cmd === 'flux' ? 'flux' : 'argo', raw: t, recursive: true, text });
      }
    }
  }
  return out;
}
