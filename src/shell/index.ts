import type { RepoReader } from '../discover/repo.js';
import { AnalysisBudget } from '../util/budget.js';
import type { OpContext, ReaderResult } from '../model/pipeline.js';
import { runSource } from './interpreter.js';
import { makeSource } from './env.js';
import { not, TRUE, type Formula } from '../logic/formula.js';
import { joinWrites, type Written } from '../logic/value.js';
import { alternativesText } from '../expr/expr.js';
import { parseWrites } from './sinks.js';
import { Vars, type Frame, type RunState } from './state.js';

export { loadShellParser, isShellParserLoaded } from './parser.js';

/** Context for one `run:` script (or a Makefile recipe / repository script reached from one). */
export interface RunScriptInput extends OpContext {
  /** Script text. GitHub expressions the workflow reader could resolve are already substituted; the rest are kept as `${{ … }}`. */
  script: string;
  /** Repository-relative file holding the script, and the line of its first script line there. */
  file: string;
  line: number;
  /** Environment visible to the script (workflow, job and step `env:`), values resolved where possible. */
  env: Record<string, string>;
  /** Repository-relative working directory ('' is the root). */
  workingDirectory: string;
  /** The tree the script lives in (the scanned repository, or a remote checkout). */
  repo: RepoReader;
  /** owner/name of the scanned repository (goreleaser's `{{ .ProjectName }}` default). */
  repository?: string;
  /** Remaining indirection depth (make targets, scripts); at 0 the call is reported as a limit, not followed. */
  depth: number;
  /** Positional parameters (`$1`, `$@`) when the script is run with arguments. */
  args?: string[];
  /** What files earlier steps of the job wrote (path → text), readable with `cat` (digest files, `--image-refs`). */
  files?: Record<string, string>;
}

export interface RunScriptResult extends ReaderResult {
  /** Variables written to $GITHUB_ENV (visible to later steps). */
  envWrites: Record<string, string>;
  /** Outputs written to $GITHUB_OUTPUT (visible as steps.<id>.outputs.<name>). */
  outputWrites: Record<string, string>;
  /** Files the script wrote, in the order first written: their text, or undefined when it is unknown. */
  fileWrites: Array<{ path: string; text: string | undefined }>;
}

/**
 * Analyses one shell script: pushes, signatures and local builds with file:line, writes to $GITHUB_ENV and
 * $GITHUB_OUTPUT, following functions, repository scripts and make. Pure: reads files only through `input.repo`.
 * Call `await loadShellParser()` once before; a script that does not parse yields a parse-error finding.
 */
export function analyzeRunScript(input: RunScriptInput): RunScriptResult {
  const budget = input.budget ?? new AnalysisBudget();
  const state: RunState = {
    repo: input.repo,
    ...(input.repository ? { repository: input.repository } : {}),
    ctx: {
      chain: input.chain,
      guard: input.guard,
      jobKey: input.jobKey,
      stepIndex: input.stepIndex,
      ...(input.parallelGroup !== undefined ? { parallelGroup: input.parallelGroup } : {}),
      ephemeralRegistries: input.ephemeralRegistries,
      ...(input.remoteFiles ? { remoteFiles: input.remoteFiles } : {}),
      budget,
    },
    operations: [],
    localBuilds: [],
    findings: [],
    limits: [],
    envText: [],
    outputText: [],
    outputWrites: [],
    secretFiles: new Set(),
    files: new Map(Object.entries(input.files ?? {})),
    filesWritten: new Set(),
    budget,
    commands: 0,
    stopped: false,
    nesting: 0,
    writtenChars: 0,
    activeScripts: new Set(),
    opKeys: new Set(),
    runSource,
  };
  const vars = new Vars(Object.entries(input.env).map(([k, v]) => [k, { text: v }]));
  const { source, masked } = makeSource(input.script, input.file, input.line);
  const frame: Frame = {
    state,
    cond: TRUE,
    vars,
    exported: new Set(vars.keys()),
    functions: new Map(),
    positional: input.args,
    source,
    chain: input.chain,
    cwd: input.workingDirectory,
    depth: input.depth,
    functionDepth: 0,
    sink: { kind: 'stdout' },
    stdin: undefined,
    line: 1,
  };
  try {
    runSource(frame, masked);
  } catch (e) {
    // The last line of defence: every recursion and every value the input controls is bounded (MAX_SYNTAX_DEPTH,
    // MAX_RUN_DEPTH, the value cap), so this is not expected; if a bound is missing somewhere, the script's analysis
    // stops with a hit instead of the whole run failing, and what was found before is kept.
    if (!(e instanceof RangeError)) throw e;
    budget.hit('bound', `shell analysis of ${input.file} ran out of room (${e.message}); the rest of the script was not analysed`, { file: input.file, line: input.line });
  }
  return {
    operations: state.operations,
    localBuilds: state.localBuilds,
    findings: state.findings,
    limits: [...new Set(state.limits)],
    envWrites: joinedText(parseWrites(state.envText)),
    outputWrites: joinedText([...state.outputWrites, ...parseWrites(state.outputText)]),
    fileWrites: [...state.filesWritten].map((path) => ({ path, text: state.files.get(path) })),
  };
}

/**
 * The file writes of one script read once per environment (the workflow reader's env forks), as one list: a file
 * the forks leave with different texts holds each under its fork's condition; unknown in any fork, unknown.
 */
export function joinForkFileWrites(forks: ReadonlyArray<{ when: Formula; result: RunScriptResult }>): RunScriptResult['fileWrites'] {
  const paths = [...new Set(forks.flatMap((f) => f.result.fileWrites.map((w) => w.path)))];
  return paths.map((path) => {
    const texts = forks.map((f) => f.result.fileWrites.find((w) => w.path === path));
    if (texts.some((w) => w === undefined || w.text === undefined)) return { path, text: undefined };
    return { path, text: alternativesText(forks.map((f, i) => ({ text: texts[i]!.text!, when: f.when }))) };
  });
}

/**
 * The job's files after a step that ran under `when` (its `if:`): what it wrote replaces what was there when it
 * runs, the earlier text stays as the alternative when it does not; unknown text removes the file from the store.
 */
export function applyFileWrites(files: Record<string, string>, writes: RunScriptResult['fileWrites'], when: Formula): void {
  for (const w of writes) {
    const before = files[w.path];
    if (w.text === undefined) delete files[w.path];
    else if (when.k === 'const' || before === undefined || before === w.text) files[w.path] = w.text;
    else files[w.path] = alternativesText([{ text: w.text, when }, { text: before, when: not(when) }]);
  }
}

/**
 * Each name's value after the script: one text, or — when the script wrote it in branches it cannot decide — one
 * conditional expression holding every alternative with its condition, for the workflow reader to evaluate.
 */
function joinedText(writes: Written[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, alts] of joinWrites(writes)) out[key] = alternativesText(alts);
  return out;
}
