import type { AnalysisBudget } from '../util/budget.js';
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
/** Statements interpreted for one analyzeRunScript call (loops and functions multiply them). */
export const MAX_COMMANDS = 20_000;
/**
 * How deeply the interpretation may nest at run time: statements inside statements, word expansions inside
 * expansions, function calls, `eval`, `sh -c`, sourced scripts — all counted together, so that no combination of
 * them (a string that evals itself, functions calling functions in nested substitutions) reaches the end of the
 * stack. Real scripts stay well below 60.
 */
export const MAX_RUN_DEPTH = 200;

/** A variable: its text (unknown parts as written) and, for arrays, the items. */
export interface Value {
  text: string;
  items?: string[];
  /** The paths joined into this array left different numbers of items: `${#a[@]}` is unknown. */
  raggedItems?: boolean;
  /**
   * How many items the array holds is decided at run time (`read -ra A` of unknown input, `mapfile`, a loop that
   * kept appending): `"${A[@]}"` may be any number of words, the items listed being only those the analysis saw.
   */
  unknownCount?: boolean;
}

/**
 * A shell's variables. While an `if` runs its branches it keeps a journal: each name's value before its first
 * write in the branch. Undoing a branch and joining the branches then costs the names written, not a copy of every
 * variable per branch (a script with thousands of variables and thousands of `if`s was quadratic).
 */
export class Vars extends Map<string, Value> {
  private journals: Array<Map<string, Value | undefined>> | undefined;

  override set(key: string, value: Value): this {
    this.note(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.note(key);
    return super.delete(key);
  }

  override clear(): void {
    for (const key of this.keys()) this.note(key);
    super.clear();
  }

  /** Starts recording the value each name had before its first write from now on (journals nest). */
  begin(): Map<string, Value | undefined> {
    const journal = new Map<string, Value | undefined>();
    (this.journals ??= []).push(journal);
    return journal;
  }

  /** Stops recording into `journal` (the innermost). */
  end(journal: Map<string, Value | undefined>): void {
    const i = this.journals?.lastIndexOf(journal) ?? -1;
    if (i >= 0) this.journals!.splice(i, 1);
  }

  /** Puts back what `journal` recorded (outer journals record the undo as writes, as they should). */
  undo(journal: Map<string, Value | undefined>): void {
    for (const [key, value] of journal) {
      if (value === undefined) this.delete(key);
      else this.set(key, value);
    }
  }

  private note(key: string): void {
    // Also called by Map's constructor for initial entries, before the field exists.
    if (!this.journals) return;
    for (const j of this.journals) if (!j.has(key)) j.set(key, super.get(key));
  }
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
   * later `cat path` reads it back; `unknown` once a command with unknown output wrote to it (or past the cap).
   */
  | { kind: 'file'; path: string; append: boolean; buffer: string[]; unknown: boolean; size: number; cond: Formula; whens?: Formula[] }
  /** Captured output (`$(…)`, the left side of a pipe). */
  | PipeSink;

/**
 * Captured output: `unknown` once a command with unknown output wrote to it, or once more than the budget's value
 * cap was written (`size` counts what the buffer holds).
 */
export interface PipeSink {
  kind: 'pipe';
  buffer: string[];
  unknown: boolean;
  size: number;
  /** The path condition where the capture began, and (once a write was made under another) each write's. */
  cond: Formula;
  whens?: Formula[];
}

export const newPipe = (cond: Formula): PipeSink => ({ kind: 'pipe', buffer: [], unknown: false, size: 0, cond });

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
  /** The run's analysis budget (work units, value length, deadline); bounds hit here are recorded in it. */
  budget: AnalysisBudget;
  commands: number;
  /** Set when a bound stopped the analysis (commands, nesting, the budget): nothing after that point is interpreted. */
  stopped: boolean;
  /** Current run-time nesting (see MAX_RUN_DEPTH). */
  nesting: number;
  /** Characters appended to $GITHUB_ENV and $GITHUB_OUTPUT so far (bounded by the budget's value length). */
  writtenChars: number;
  /** Scripts currently being executed (recursion guard). */
  activeScripts: Set<string>;
  opKeys: Set<string>;
  /**
   * The interpreter's entry (interpreter.ts runSource): scripts started from a script (`sh -c`, `source`, a
   * repository script, make recipes) re-enter it through the state, so indirection.ts need not import the
   * interpreter that imports it.
   */
  runSource: (frame: Frame, maskedText: string) => void;
}

/** Execution context of one shell (a script file has its own; functions and `source` share it). */
export interface Frame {
  state: RunState;
  vars: Vars;
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
  /** Where standard error goes when a `2>&1` sent it to a sink the analysis keeps (else the log: undefined). */
  stderr?: Sink;
  /** Text known to arrive on standard input (pipe, here-doc, here-string); undefined when unknown. */
  stdin: string | undefined;
  /**
   * The condition under which the statement being run executes, relative to the step: the branches of `if`,
   * `case`, `&&` and `||` the engine cannot decide. Operations and `$GITHUB_OUTPUT` writes carry it.
   */
  cond: Formula;
  /** Variables set for the current command only (`VAR=x cmd`). */
  prefixEnv?: Map<string, string>;
  /** Line (in `source`) of the statement being interpreted: where a bound hit is reported. */
  line: number;
  /** Per function call being run (innermost last): the values its `local` names had before it. */
  locals?: Array<Map<string, Value | undefined>>;
  /** The loops being run, innermost last (where `break` and `continue` record what they leave). */
  loops?: LoopContext[];
}

export interface LoopContext {
  /** The values before the loop of the names it wrote. */
  journal: Map<string, Value | undefined>;
  /** What those names held at each `break` / `continue` (bounded). */
  exits: Array<Map<string, Value | undefined>>;
  /** More exits than the bound were met: the names the loop writes are unknown after it. */
  overflowed: boolean;
}

export function lookupVar(frame: Frame, name: string): string | undefined {
  const p = frame.prefixEnv?.get(name);
  if (p !== undefined) return p;
  return frame.vars.get(name)?.text;
}

export function locationOf(frame: Frame, line: number): Location {
  return { file: frame.source.file, line: frame.source.line + line - 1 };
}
