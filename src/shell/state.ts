import type { RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import type { Location } from '../model/location.js';
import type { LocalBuild, OpContext, Operation } from '../model/pipeline.js';
import type { Formula } from '../logic/formula.js';
import type { ConditionalText, Written } from '../logic/value.js';
import type { Stmt } from './ast.js';

/** Bounds: untrusted scripts can loop, recurse and call each other. */
export const MAX_LOOP_ITEMS = 64;
export const MAX_FUNCTION_DEPTH = 16;
export const MAX_COMMANDS = 20_000;

/** A variable: its text (unknown parts as written) and, for arrays, the items. */
export interface Value {
  text: string;
  items?: string[];
}

/** One parsed source: a run: script, a repository script, a recipe line. */
export interface Source {
  file: string;
  /** Line in `file` of the source's first line. */
  line: number;
  /** UTF-8 bytes of the masked text: mvdan-sh positions are byte offsets. */
  bytes: Buffer;
  expressions: string[];
}

/** Where a command's standard output goes. */
export type Sink =
  | { kind: 'stdout' }
  | { kind: 'github-env' }
  | { kind: 'github-output' }
  | { kind: 'discard' }
  /**
   * A file (`> path`, `>> path`): what the statement writes is collected and stored when it ends (sinks.ts), so a
   * later `cat path` reads it back; `unknown` once a command with unknown output wrote to it.
   */
  | { kind: 'file'; path: string; append: boolean; buffer: string[]; unknown: boolean }
  /** Captured output (`$(…)`, the left side of a pipe); `unknown` once a command with unknown output wrote to it. */
  | { kind: 'pipe'; buffer: string[]; unknown: boolean };

/** Everything one analyzeRunScript call accumulates, shared by the scripts, functions and recipes it reaches. */
export interface RunState {
  repo: RepoReader;
  repository?: string;
  ctx: OpContext;
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  /** What was appended to $GITHUB_ENV / $GITHUB_OUTPUT, each under the shell path condition it was written in. */
  envText: ConditionalText[];
  outputText: ConditionalText[];
  /** `::set-output` writes, in order. */
  outputWrites: Written[];
  /** Repository-relative paths written from a secret (`echo "${{ secrets.KEY }}" > cosign.key`). */
  secretFiles: Set<string>;
  /**
   * What files written during the job hold, by path as the script names it (resolved against the working
   * directory): redirections of known text, and files tools write (`ko --image-refs`, `--digestfile`,
   * `--metadata-file`). A path that is absent (never written: a file of the tree, or not known), or was last
   * written with unknown text (`undefined`), reads as unknown.
   */
  files: Map<string, string | undefined>;
  /** Paths written by this script run (handed back so later steps of the job can read them). */
  filesWritten: Set<string>;
  commands: number;
  budgetHit: boolean;
  /** Scripts currently being executed (recursion guard). */
  activeScripts: Set<string>;
  opKeys: Set<string>;
}

/** Execution context of one shell (a script file has its own; functions and `source` share it). */
export interface Frame {
  state: RunState;
  vars: Map<string, Value>;
  exported: Set<string>;
  /** Function bodies with the source they were defined in (a sourced file's functions run at that file's lines). */
  functions: Map<string, { body: Stmt; source: Source }>;
  positional: string[] | undefined;
  source: Source;
  /** Call chain for operations found in this frame. */
  chain: Location[];
  cwd: string;
  depth: number;
  functionDepth: number;
  sink: Sink;
  /** Text known to arrive on standard input (pipe, here-doc, here-string); undefined when unknown. */
  stdin: string | undefined;
  /**
   * The condition under which the statement being run executes, relative to the step: the branches of `if`,
   * `case`, `&&` and `||` the engine cannot decide. Operations and `$GITHUB_OUTPUT` writes carry it.
   */
  cond: Formula;
  /** Variables set for the current command only (`VAR=x cmd`). */
  prefixEnv?: Map<string, string>;
}

export function lookupVar(frame: Frame, name: string): string | undefined {
  const p = frame.prefixEnv?.get(name);
  if (p !== undefined) return p;
  return frame.vars.get(name)?.text;
}

export function locationOf(frame: Frame, line: number): Location {
  return { file: frame.source.file, line: frame.source.line + line - 1 };
}
