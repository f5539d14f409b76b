import { scriptMayMatter } from './script-relevance.js';
import { posix } from 'node:path';
import { normalizeRelPath } from '../discover/repo.js';
import { expandMake } from '../make/index.js';
import type { Location } from '../model/location.js';
import { exportedEnv, makeSource, resolvePath } from './env.js';
import { enterNesting, leaveNesting } from './bounds.js';
import { writeOut } from './sinks.js';
import { locationOf, Vars, type Frame } from './state.js';
import { hasUnresolved, unresolvedSpans } from './text.js';

/**
 * Indirection out of a script: repository scripts (`./hack/x.sh`, `bash x.sh`, `source x.sh`), `sh -c "…"`, and
 * `make` (through the Makefile reader; each recipe line is analysed as its own shell, at its own file:line).
 */

const SHELL_SHEBANG = /^#!\s*(\/usr)?\/bin\/(env\s+(-S\s+)?)?(ba|da|k|z)?sh\b/;

function depthExhausted(frame: Frame, line: number): boolean {
  if (frame.depth > 0) return false;
  const loc = locationOf(frame, line);
  frame.state.limits.push(`indirection depth bound hit at ${loc.file}:${loc.line}; not followed`);
  return true;
}

/** Finds a script in the repository: relative to the working directory, or (for `$(dirname "$0")/x.sh`) to the calling script. */
function locateScript(frame: Frame, path: string): string | undefined {
  const repo = frame.state.repo;
  if (!hasUnresolved(path)) {
    if (path.startsWith('/')) return undefined;
    const rel = resolvePath(frame, path);
    return repo.has(rel) ? rel : undefined;
  }
  const spans = unresolvedSpans(path);
  const tail = path.slice(spans[spans.length - 1]![1]);
  if (!tail.startsWith('/') || hasUnresolved(tail)) return undefined;
  const scriptDir = posix.dirname(frame.source.file);
  for (const dir of [scriptDir, frame.cwd, '']) {
    const rel = normalizeRelPath(posix.join(dir || '.', `.${tail}`));
    if (rel && repo.has(rel)) return rel;
  }
  return undefined;
}

export function runScriptFile(frame: Frame, path: string, args: string[], line: number, mode: 'exec' | 'source'): void {
  const st = frame.state;
  const rel = locateScript(frame, path);
  if (!rel) {
    if (/\.(sh|bash)$/.test(path) && !path.startsWith('/')) st.limits.push(`script ${path} (called at ${fmt(locationOf(frame, line))}) not found in the repository; not analysed`);
    return;
  }
  if (depthExhausted(frame, line)) return;
  if (st.activeScripts.has(rel)) return;
  const read = st.repo.read(rel);
  if (!read.ok) {
    st.limits.push(`script ${rel} not read: ${read.reason}`);
    return;
  }
  const first = read.text.slice(0, 200).split('\n')[0] ?? '';
  if (first.startsWith('#!') && !SHELL_SHEBANG.test(first)) {
    st.limits.push(`${rel} is not a shell script (${first.trim()}); not followed`);
    return;
  }
  // A script that names no relevant tool cannot push, sign or feed $GITHUB_ENV (report generators, test drivers).
  // A sourced script may still set variables the caller uses, so those are always read.
  if (mode === 'exec' && !scriptMayMatter(read.text)) return;
  const callLoc = locationOf(frame, line);
  const { source, masked } = makeSource(read.text, rel, 1);
  const child: Frame =
    mode === 'source'
      ? { ...frame, source, chain: [...frame.chain, callLoc], depth: frame.depth - 1, positional: args.length ? args : frame.positional, prefixEnv: undefined, line: 1 }
      : childFrame(frame, source, [...frame.chain, callLoc], args);
  if (mode === 'exec') child.vars.set('0', { text: rel });
  if (!enterNesting(frame)) return;
  st.activeScripts.add(rel);
  try {
    frame.state.runSource(child, masked);
  } finally {
    st.activeScripts.delete(rel);
    leaveNesting(frame);
  }
  if (mode === 'source') {
    // Variables and functions flow back (shared maps); the working directory too.
    frame.cwd = child.cwd;
  }
}

/** A new shell process: only exported variables (and `VAR=x cmd` prefixes) cross over. */
function childFrame(frame: Frame, source: Frame['source'], chain: Location[], args: string[]): Frame {
  const vars = new Vars();
  for (const [k, v] of Object.entries(exportedEnv(frame))) vars.set(k, { text: v });
  return {
    state: frame.state,
    cond: frame.cond,
    vars,
    exported: new Set(vars.keys()),
    functions: new Map(),
    positional: args,
    source,
    chain,
    cwd: frame.cwd,
    depth: frame.depth - 1,
    functionDepth: 0,
    sink: frame.sink,
    stdin: undefined,
    line: 1,
  };
}

/** `sh -c "…"` / `eval "…"`: the text is analysed as if it started at the caller's line. */
export function runShellString(frame: Frame, text: string, line: number, mode: 'child' | 'same-frame', args: string[] | undefined): void {
  if (!text.trim()) return;
  // A string that runs itself (`A='eval "$A"'; eval "$A"`) recurses without end: the run-time nesting bound cuts it.
  if (!enterNesting(frame)) return;
  try {
    const callLoc = locationOf(frame, line);
    const { source, masked } = makeSource(text, callLoc.file, callLoc.line);
    if (mode === 'same-frame') {
      const inner: Frame = { ...frame, source, line: 1 };
      frame.state.runSource(inner, masked);
      frame.cwd = inner.cwd;
      return;
    }
    const inner: Frame = { ...childFrame(frame, source, frame.chain, (args ?? []).slice(1)), depth: frame.depth };
    if (args?.[0]) inner.vars.set('0', { text: args[0] });
    frame.state.runSource(inner, masked);
  } finally {
    leaveNesting(frame);
  }
}

/**
 * Runs `make …` through the Makefile reader. Returns whether what make prints is modelled: when its output is
 * captured (`$(make publish)`, `make x > refs`), make echoes each recipe line that is not silent (`@`, `-s`,
 * `.SILENT:`) and then the line's own output follows, so every line is run (not only those that look relevant);
 * a make run that is not followed prints unknown text.
 */
export function runMake(frame: Frame, args: string[], line: number): boolean {
  if (depthExhausted(frame, line)) return false;
  const st = frame.state;
  const location = locationOf(frame, line);
  const expansion = expandMake({ repo: st.repo, args, cwd: frame.cwd, env: exportedEnv(frame), location, depth: frame.depth }, { budget: st.budget });
  for (const l of expansion.limits) st.limits.push(l);
  for (const f of expansion.findings) st.findings.push(f);
  if (!enterNesting(frame)) return false;
  try {
    runRecipes(frame, expansion.commands, location);
  } finally {
    leaveNesting(frame);
  }
  return expansion.limits.length === 0 && !st.stopped;
}

function runRecipes(frame: Frame, commands: ReturnType<typeof expandMake>['commands'], location: Location): void {
  const st = frame.state;
  const captured = frame.sink.kind === 'pipe' || frame.sink.kind === 'file';
  for (const rc of commands) {
    if (st.stopped) return;
    if (captured && !rc.silent) writeOut(frame, `${rc.text}\n`);
    // Recipe lines that name no relevant tool (kubectl, helm, go test…) are not parsed: large Makefiles expand to
    // thousands of them and parsing is the expensive part.
    if (!captured && !scriptMayMatter(rc.text)) continue;
    const { source, masked } = makeSource(rc.text, rc.file, rc.line);
    const vars = new Vars(Object.entries(rc.env).map(([k, v]) => [k, { text: v }]));
    const recipeFrame: Frame = {
      state: st,
      cond: frame.cond,
      vars,
      exported: new Set(vars.keys()),
      functions: new Map(),
      positional: undefined,
      source,
      chain: [...frame.chain, location, ...rc.chain],
      cwd: rc.cwd,
      depth: frame.depth - 1,
      functionDepth: 0,
      sink: frame.sink,
      stdin: undefined,
      line: 1,
    };
    frame.state.runSource(recipeFrame, masked);
  }
}

function fmt(l: Location): string {
  return `${l.file}:${l.line}`;
}
