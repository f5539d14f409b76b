import type { RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import type { Location } from '../model/location.js';
import type { AnalysisBudget } from '../util/budget.js';

export type Origin = 'default' | 'environment' | 'environment override' | 'file' | 'command line' | 'override' | 'automatic';

/**
 * A make variable. `recursive` values are expanded on every reference; `simple` values are stored already
 * expanded (`:=`, environment and command-line values, which are kept verbatim).
 */
export interface Variable {
  flavor: 'recursive' | 'simple';
  value: string;
  origin: Origin;
  /** true: `export`ed; false: `unexport`ed; undefined: make's default (environment and command-line values pass on). */
  exported?: boolean;
  /**
   * Set when conditionals the engine cannot decide export the name on some paths and not on others: a recipe's
   * shell may or may not see it, so it sees an unknown value (make's own references still read `value`).
   */
  exportUncertain?: true;
  /**
   * A target-specific `+=` (GNU make's "append" variable): its value is appended, when it is looked up, to the
   * value the name has in this scope (the requesting target's, then the global one).
   */
  appendTo?: Scope;
}

/** A frame of variables; lookups walk to the parent (target-specific → inherited from the requesting target → global). */
export interface Scope {
  vars: Map<string, Variable>;
  parent?: Scope;
  /** `$(call)` frames hide the numbered parameters of outer calls. */
  callFrame?: boolean;
}

export interface RecipeLine {
  /** Recipe text without the recipe prefix, backslash-newlines kept. */
  text: string;
  file: string;
  line: number;
}

export interface Rule {
  /** Target words as expanded; for pattern rules each contains `%`. */
  targets: string[];
  prereqs: string[];
  orderOnly: string[];
  recipe: RecipeLine[];
  doubleColon: boolean;
  pattern: boolean;
  /** Static pattern rule (`targets: target-pattern: prereq-patterns`): prereqs hold patterns. */
  staticPattern?: string;
  location: Location;
  /** Read in a conditional branch that depends on run-time values: its recipe is one alternative among others. */
  uncertain?: boolean;
}

/** A target- or pattern-specific assignment (`target: VAR = value`). */
export interface TargetAssignment {
  name: string;
  op: string;
  /** Raw text for `=`, `+=`, `?=`; already expanded for `:=`. */
  value: string;
  override: boolean;
  exported?: boolean;
}

/**
 * make's own bounds. Values longer than the run's cap (AnalysisBudget.fitsValue) become unknown, and the bytes
 * every expansion builds are charged to the run's budget; these bound the rest.
 */
export interface Bounds {
  maxExpansionDepth: number;
  /** Variable references and function calls expanded per invocation. */
  maxWork: number;
  maxIncludeDepth: number;
  maxMakefiles: number;
  maxRecipeLines: number;
  maxTargetDepth: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  maxExpansionDepth: 200,
  maxWork: 100_000,
  maxIncludeDepth: 16,
  maxMakefiles: 100,
  maxRecipeLines: 5_000,
  maxTargetDepth: 100,
};

/** Everything one `make` invocation knows after reading its makefiles. */
export interface MakeState {
  repo: RepoReader;
  /** Repository-relative directory make runs in ('' is the root). */
  dir: string;
  globals: Scope;
  /** `-e`: environment values win over makefile assignments. */
  environmentOverrides: boolean;
  explicitRules: Map<string, Rule[]>;
  patternRules: Rule[];
  targetVars: Map<string, TargetAssignment[]>;
  patternVars: Array<{ pattern: string; assignment: TargetAssignment }>;
  phony: Set<string>;
  exportAll: boolean;
  recipePrefix: string;
  firstTarget?: string;
  makefilesRead: number;
  /** Variables being expanded right now (a self-reference would loop). */
  expanding: Set<Variable>;
  depth: number;
  work: number;
  bounds: Bounds;
  /** The run's analysis budget: bytes built are charged to it; its hits become findings at file:line. */
  budget: AnalysisBudget;
  /** The budget said no during this invocation (recorded once). */
  budgetStopped: boolean;
  /** The budget is the run's (its hits are reported); false: a private one, so bounds are also limit notes. */
  budgetGiven: boolean;
  limits: string[];
  findings: Finding[];
  /** Where the invocation is, for limit notes. */
  origin: Location;
  /** Evaluates `$(eval …)` text as makefile lines; set by the reader. */
  evalText?: (text: string, at: Location) => void;
  /** Location of the line being read or expanded (for `$(eval)`). */
  current: Location;
}

export function addLimit(state: MakeState, note: string): void {
  if (!state.limits.includes(note)) state.limits.push(note);
}

/**
 * A bound of make's own stopped work at the current file:line. It is a budget hit, so the run reports it as a
 * limit and a finding there (what lies beyond the bound is unknown, so the check fails closed); an expansion made
 * without the run's budget (a unit test) keeps it as a limit note of its own instead.
 */
export function boundHit(state: MakeState, bound: string, consequence: string): void {
  const where = { file: state.current.file, line: state.current.line };
  state.budget.hit('bound', `make ${bound} hit; ${consequence}`, where);
  if (!state.budgetGiven) addLimit(state, `make: ${bound} hit near ${where.file}:${where.line}; ${consequence}`);
}

export function lookup(scope: Scope | undefined, name: string): Variable | undefined {
  const numbered = /^\d+$/.test(name);
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v) return v;
    if (numbered && s.callFrame) return undefined;
  }
  return undefined;
}
