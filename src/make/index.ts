import { posix } from 'node:path';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import type { Location } from '../model/location.js';
import { parseMakeArgs } from './args.js';
import { memoizedExpand } from './memo.js';
import { expand } from './expand.js';
import { evalText, readFile } from './read.js';
import { runGoals } from './run.js';
import { AnalysisBudget } from '../util/budget.js';
import { DEFAULT_BOUNDS, type Bounds, type MakeState, type Variable } from './state.js';
import { isUnknown, looksUnresolved, markUnknown, stripMarks, words } from './text.js';

/** One `make …` command line found in a script. */
export interface MakeInvocation {
  repo: RepoReader;
  /** make's arguments (after the `make` word): targets, VAR=value overrides, -C dir, -f file, -e, … */
  args: string[];
  /** Repository-relative directory make runs in ('' is the root). */
  cwd: string;
  /** Environment of the make process (resolved values; unresolved parts as written). */
  env: Record<string, string>;
  /** Where the make command is (its own file and line). */
  location: Location;
  /** Remaining indirection depth. */
  depth: number;
}

/** One recipe line, with make's variables and functions expanded (`$$` already turned into `$`). */
export interface RecipeCommand {
  /**
   * Shell text to run (the recipe line after @, -, + prefixes). A line continued with backslash-newline keeps
   * them, as make hands it to the shell (the shell joins it); `line` is the first line.
   */
  text: string;
  /** Makefile (repository-relative) and line of the recipe line. */
  file: string;
  line: number;
  /** Targets followed to reach this recipe: one location per rule (`file:line` of `target:`), outermost first. */
  chain: Location[];
  /** Environment the recipe's shell sees: the caller's env plus exported make variables. */
  env: Record<string, string>;
  /** make does not print the line before running it (`@`, `.SILENT:`, `make -s`): its standard output is the recipe's own. */
  silent: boolean;
  /** Directory the recipe runs in. */
  cwd: string;
}

export interface MakeExpansion {
  commands: RecipeCommand[];
  limits: string[];
  findings: Finding[];
}

export interface MakeOptions {
  /** make's own bounds (tests lower them). */
  bounds?: Partial<Bounds>;
  /** The run's analysis budget (OpContext.budget); a default one when absent. */
  budget?: AnalysisBudget;
}

const DEFAULT_MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

/**
 * Expands one `make` invocation: reads the makefile (and its includes) the way GNU make would, with the caller's
 * environment and command-line variables, then returns the recipe lines that would run for the requested goals
 * (prerequisites first), each with its file:line and the chain of targets that leads to it. Nothing is executed:
 * `$(shell …)` and `!=` stay as written. A recursive `$(MAKE) …` comes back as a `make …` recipe line for the
 * caller to follow.
 */
export function expandMake(inv: MakeInvocation, options: MakeOptions = {}): MakeExpansion {
  // Bound overrides (tests) bypass the memo so they always see a fresh expansion. A memoized expansion already
  // charged the run's budget (and recorded its hits) the first time.
  if (options.bounds !== undefined) return expandUncached(inv, options);
  return memoizedExpand(inv, options.budget, (i) => expandUncached(i, options));
}

function expandUncached(inv: MakeInvocation, options: MakeOptions): MakeExpansion {
  const limits: string[] = [];
  const findings: Finding[] = [];
  const where = `${inv.location.file}:${inv.location.line}`;
  if (inv.depth < 0) return { commands: [], limits: [`make at ${where}: indirection depth bound reached; not followed`], findings };

  const args = parseMakeArgs(inv.args);
  if (args.unknown.length > 0) limits.push(`make at ${where}: options ${args.unknown.join(' ')} not understood; ignored`);

  let dir = inv.cwd;
  for (const d of args.directories) {
    const next = resolveDirectory(dir, d);
    if (next === undefined) {
      limits.push(`make at ${where}: directory ${d} cannot be resolved inside the repository; not followed`);
      return { commands: [], limits, findings };
    }
    dir = next;
  }

  const makefiles: Array<{ path: string; name: string }> = [];
  if (args.makefiles.length > 0) {
    for (const f of args.makefiles) {
      const path = f === '-' || looksUnresolved(f) ? undefined : normalizeRelPath(posix.join(dir || '.', f));
      if (path === undefined) {
        limits.push(`make at ${where}: makefile ${f} cannot be resolved inside the repository; not read`);
        continue;
      }
      makefiles.push({ path, name: f });
    }
  } else {
    const found = DEFAULT_MAKEFILES.map((n) => ({ path: dir ? `${dir}/${n}` : n, name: n })).find((m) => inv.repo.has(m.path));
    if (found) makefiles.push(found);
  }
  if (makefiles.length === 0) {
    if (args.makefiles.length === 0) limits.push(`make at ${where}: no makefile in ${dir || '.'}; not followed`);
    return { commands: [], limits, findings };
  }

  const state = createState(inv, dir, args.environmentOverrides, { ...DEFAULT_BOUNDS, ...options.bounds }, options, limits, findings);
  // A sub-make started from a recipe inherits its parent's command-line variables through MAKEFLAGS.
  const inherited = inv.env.MAKEFLAGS ? assignmentsFromMakeflags(inv.env.MAKEFLAGS) : [];
  for (const a of [...inherited, ...args.assignments]) {
    const value = looksUnresolved(a.value) ? markUnknown(a.value) : a.value;
    // Command-line values are taken verbatim (the shell already substituted what it could).
    state.globals.vars.set(a.name, { flavor: 'simple', value, origin: 'command line' });
  }
  const passed = [...inherited, ...args.assignments];
  const makeflags = passed.length > 0 ? `-- ${passed.map((a) => `${a.name}${a.op}${a.value.replace(/([\\ ])/g, '\\$1')}`).join(' ')}` : '';
  state.globals.vars.set('MAKEFLAGS', { flavor: 'simple', value: makeflags, origin: 'default', ...(makeflags ? { exported: true } : {}) });
  for (const e of args.evals) evalText(state, e, inv.location);
  for (const m of makefiles) readFile(state, m.path, m.name, 0, false);

  let goals = args.targets;
  if (goals.length === 0) {
    const configured = state.globals.vars.get('.DEFAULT_GOAL');
    const fromVar = configured ? words(expand(state, configured.value, undefined))[0] : undefined;
    const goal = fromVar ?? state.firstTarget;
    if (!goal) {
      limits.push(`make at ${where}: no targets in ${makefiles.map((m) => m.path).join(', ')}`);
      return { commands: [], limits, findings };
    }
    goals = [goal];
  }
  const known = goals.filter((g) => {
    if (looksUnresolved(g) || isUnknown(g)) {
      limits.push(`make at ${where}: target ${stripMarks(g)} is only known at run time; not followed`);
      return false;
    }
    return true;
  });
  state.globals.vars.set('MAKECMDGOALS', { flavor: 'simple', value: args.targets.join(' '), origin: 'default' });

  const lines = runGoals(state, known, inv.env);
  const commands: RecipeCommand[] = [];
  for (const l of lines) {
    // With -n make only prints recipes, except lines that run $(MAKE) or start with '+'.
    if (args.dryRun && !l.runsUnderDryRun) continue;
    commands.push({ text: l.text, file: l.file, line: l.line, chain: l.chain, env: l.env, cwd: dir, silent: l.silent || args.silent });
  }
  return { commands, limits, findings };
}

/** Command-line variables as GNU make passes them in MAKEFLAGS (`… -- NAME=value NAME2=a\\ b`). */
export function assignmentsFromMakeflags(makeflags: string): Array<{ name: string; op: string; value: string }> {
  const dashes = makeflags.indexOf('-- ');
  if (dashes < 0) return [];
  const items: string[] = [];
  let current = '';
  const rest = makeflags.slice(dashes + 3);
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '\\' && i + 1 < rest.length) current += rest[++i];
    else if (ch === ' ') {
      if (current) items.push(current);
      current = '';
    } else current += ch;
  }
  if (current) items.push(current);
  return parseMakeArgs(items).assignments;
}

/** An absolute path inside the checkout, written with the runner's workspace variable. */
export function workspacePath(rel: string): string {
  return rel ? `$GITHUB_WORKSPACE/${rel}` : '$GITHUB_WORKSPACE';
}

/** `-C DIR` relative to the current directory; a workspace-absolute path (`$GITHUB_WORKSPACE/x`) maps to the root. */
function resolveDirectory(cwd: string, d: string): string | undefined {
  const workspace = /^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?|\$\{?PWD\}?|\$\(pwd\))(?=\/|$)/.exec(d);
  if (workspace) return normalizeRelPath('.' + d.slice(workspace[0].length));
  if (looksUnresolved(d)) return undefined;
  return normalizeRelPath(posix.join(cwd || '.', d));
}

function createState(inv: MakeInvocation, dir: string, environmentOverrides: boolean, bounds: Bounds, options: MakeOptions, limits: string[], findings: Finding[]): MakeState {
  const budget = options.budget ?? new AnalysisBudget();
  const vars = new Map<string, Variable>();
  for (const [name, value] of Object.entries(inv.env)) {
    // Environment values are taken verbatim; templates the CI fills in later are unknown to conditionals.
    vars.set(name, { flavor: 'simple', value: looksUnresolved(value) ? markUnknown(value) : value, origin: environmentOverrides ? 'environment override' : 'environment' });
  }
  const defaults: Record<string, string> = {
    MAKE: 'make',
    MAKE_COMMAND: 'make',
    MAKELEVEL: '0',
    MAKE_VERSION: '4.3',
    SHELL: '/bin/sh',
    '.SHELLFLAGS': '-c',
    // make's CURDIR is absolute; the workspace variable keeps it absolute without inventing a runner path.
    CURDIR: workspacePath(dir),
    RM: 'rm -f',
    CC: 'cc',
    CXX: 'g++',
    AR: 'ar',
    CPP: '$(CC) -E',
  };
  for (const [name, value] of Object.entries(defaults)) {
    // SHELL is never taken from the environment by make; the others are overridable.
    if (name === 'SHELL' || name === 'MAKE' || name === 'CURDIR' || !vars.has(name)) vars.set(name, { flavor: name === 'CPP' ? 'recursive' : 'simple', value, origin: 'default' });
  }
  const state: MakeState = {
    repo: inv.repo,
    dir,
    globals: { vars },
    environmentOverrides,
    explicitRules: new Map(),
    patternRules: [],
    targetVars: new Map(),
    patternVars: [],
    phony: new Set(),
    exportAll: false,
    recipePrefix: '\t',
    makefilesRead: 0,
    expanding: new Set(),
    depth: 0,
    work: 0,
    bounds,
    budget,
    budgetStopped: false,
    budgetGiven: options.budget !== undefined,
    limits,
    findings,
    origin: inv.location,
    current: { ...inv.location },
  };
  state.evalText = (text, at) => evalText(state, text, at);
  return state;
}
