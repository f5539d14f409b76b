import { posix } from 'node:path';
import type { Location } from '../model/location.js';
import { expand, valueOf } from './expand.js';
import { computeAssignment } from './read.js';
import { appendAll } from '../util/arrays.js';
import { addLimit, boundHit, lookup, type MakeState, type Rule, type Scope, type TargetAssignment, type Variable } from './state.js';
import { isUnknown, matchPattern, parsePattern, stripMarks, substitutePattern } from './text.js';
import { charge, tooLong, unknownReference } from './values.js';
import { exists } from './wildcard.js';

/** One recipe line make would run, before it is wrapped into the public RecipeCommand. */
export interface RunLine {
  text: string;
  file: string;
  line: number;
  chain: Location[];
  env: Record<string, string>;
  /** The line runs even under `make -n`: it references $(MAKE) or starts with `+`. */
  runsUnderDryRun: boolean;
  /** make does not echo the line before running it (`@` prefix, also through a variable such as `$(Q)`; `.SILENT:`). */
  silent: boolean;
}

/** A target resolved to the rule(s) that make it. */
interface Plan {
  /** Rules whose recipes run, in order (several only for double-colon rules). */
  steps: Array<{ rule: Rule; prereqs: string[]; orderOnly: string[]; stem: string }>;
  location: Location;
}

/**
 * Walks the goals the way make would: prerequisites first (depth-first, each target once), then the target's
 * recipe, expanding each recipe line with automatic and target-specific variables.
 */
export function runGoals(state: MakeState, goals: string[], baseEnv: Record<string, string>): RunLine[] {
  const out: RunLine[] = [];
  const visited = new Set<string>();
  let stopped = false;
  // `.SILENT:` without prerequisites silences every recipe.
  const allSilent = (state.explicitRules.get('.SILENT') ?? []).some((r) => r.prereqs.length === 0);

  const visit = (target: string, chain: Location[], parentScope: Scope, depth: number, isGoal: boolean): void => {
    if (stopped || visited.has(target)) return;
    visited.add(target);
    if (depth > state.bounds.maxTargetDepth) {
      boundHit(state, `prerequisite depth bound (${state.bounds.maxTargetDepth})`, `target '${target}' is not followed`);
      return;
    }
    if (!charge(state, 1)) {
      stopped = true;
      return;
    }
    const plan = planTarget(state, target);
    if (!plan) {
      if (isGoal && !exists(state.repo, posix.join(state.dir || '.', target))) {
        addLimit(state, `make: no rule to make target '${target}' (make run at ${state.origin.file}:${state.origin.line}, in ${state.dir || '.'})`);
      }
      return;
    }
    const scope = targetScope(state, target, parentScope);
    const here = [...chain, plan.location];
    let envCache: Record<string, string> | undefined;
    for (const step of plan.steps) {
      for (const list of [step.prereqs, step.orderOnly]) {
        for (const p of list) {
          if (!p || isUnknown(p)) continue;
          visit(p, here, scope, depth + 1, false);
        }
      }
      if (step.rule.recipe.length === 0) continue;
      // Each double-colon rule (or alternative recipe) is its own link in the chain.
      const stepChain = step.rule.location === plan.location ? here : [...chain, step.rule.location];
      const auto = automaticScope(target, step.prereqs, step.orderOnly, step.stem, scope);
      for (const line of step.rule.recipe) {
        state.current = { file: line.file, line: line.line };
        const expanded = expand(state, line.text, auto);
        const runsUnderDryRun = /\$[({]MAKE[)}]/.test(line.text) || /^[\s@-]*\+/.test(line.text);
        for (const { text, silent } of splitRecipeLines(expanded)) {
          if (out.length >= state.bounds.maxRecipeLines) {
            boundHit(state, `recipe line bound (${state.bounds.maxRecipeLines})`, 'later recipe lines not analysed');
            stopped = true;
            return;
          }
          envCache ??= recipeEnv(state, scope, baseEnv);
          out.push({ text: stripMarks(text), file: line.file, line: line.line, chain: stepChain, env: envCache, runsUnderDryRun, silent: silent || allSilent });
        }
      }
    }
  };

  for (const goal of goals) visit(goal, [], state.globals, 0, true);
  return out;
}

/**
 * An expanded recipe line can hold several lines (a `define` used as a canned recipe): make runs each separately.
 * Each loses its `@`, `-`, `+` prefixes and leading blanks; empty ones run nothing.
 */
export function splitRecipeLines(expanded: string): Array<{ text: string; silent: boolean }> {
  const out: Array<{ text: string; silent: boolean }> = [];
  let current = '';
  const pieces = expanded.split('\n');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    current += piece;
    if (/(^|[^\\])(\\\\)*\\$/.test(piece) && i < pieces.length - 1) {
      current += '\n';
      continue;
    }
    const prefix = /^[\s@+-]*/.exec(current)![0];
    const text = current.slice(prefix.length);
    if (text.trim()) out.push({ text, silent: prefix.includes('@') });
    current = '';
  }
  return out;
}

function planTarget(state: MakeState, target: string): Plan | undefined {
  const rules = state.explicitRules.get(target) ?? [];
  const doubleColon = rules.filter((r) => r.doubleColon);
  if (doubleColon.length > 0) {
    return {
      steps: doubleColon.map((rule) => ({ rule, ...explicitPrereqs(rule, target) })),
      location: doubleColon[0].location,
    };
  }
  if (rules.length > 0) {
    const prereqs: string[] = [];
    const orderOnly: string[] = [];
    const withRecipe: Array<{ rule: Rule; stem: string }> = [];
    for (const rule of rules) {
      const p = explicitPrereqs(rule, target);
      // Prerequisite lists are input-sized (hundreds of thousands of words): appended in a loop, not spread.
      appendAll(prereqs, p.prereqs);
      appendAll(orderOnly, p.orderOnly);
      if (rule.recipe.length > 0) withRecipe.push({ rule, stem: p.stem });
    }
    if (withRecipe.length === 0 && !state.phony.has(target)) {
      const implicit = findPatternRule(state, target, 0);
      if (implicit) {
        return {
          steps: [{ rule: implicit.rule, prereqs: appendAll(prereqs, implicit.prereqs), orderOnly: appendAll(orderOnly, implicit.orderOnly), stem: implicit.stem }],
          location: implicit.rule.location,
        };
      }
    }
    if (withRecipe.length === 0) return { steps: [{ rule: { ...rules[0], recipe: [] }, prereqs, orderOnly, stem: '' }], location: rules[0].location };
    // make runs the last recipe given for a target; recipes from branches that depend on run-time values are
    // alternatives, so all of them are kept.
    const last = withRecipe[withRecipe.length - 1];
    const chosen = withRecipe.some((r) => r.rule.uncertain) ? withRecipe.filter((r) => r.rule.uncertain || r === last) : [last];
    return {
      steps: chosen.map((c) => ({ rule: c.rule, prereqs, orderOnly, stem: c.stem })),
      location: last.rule.location,
    };
  }
  // make does no implicit rule search for phony targets.
  if (state.phony.has(target)) return undefined;
  const implicit = findPatternRule(state, target, 0);
  if (!implicit) return undefined;
  return { steps: [{ rule: implicit.rule, prereqs: implicit.prereqs, orderOnly: implicit.orderOnly, stem: implicit.stem }], location: implicit.rule.location };
}

function explicitPrereqs(rule: Rule, target: string): { prereqs: string[]; orderOnly: string[]; stem: string } {
  if (rule.staticPattern === undefined) return { prereqs: rule.prereqs, orderOnly: rule.orderOnly, stem: '' };
  const stem = matchPattern(parsePattern(rule.staticPattern), target) ?? '';
  const sub = (p: string): string => substitutePattern(parsePattern(p), stem);
  return { prereqs: rule.prereqs.map(sub), orderOnly: rule.orderOnly.map(sub), stem };
}

/**
 * The pattern rule make would choose: the matching rule with the shortest stem whose prerequisites exist or can
 * be made (a file of the tree, a target with an explicit rule, or, one level down, a non-match-anything pattern).
 */
function findPatternRule(state: MakeState, target: string, depth: number): { rule: Rule; prereqs: string[]; orderOnly: string[]; stem: string } | undefined {
  // Each search tries every pattern rule, and chains two levels down: charged so many rules × many targets stop.
  if (!charge(state, state.patternRules.length)) return undefined;
  const candidates: Array<{ rule: Rule; stem: string; index: number }> = [];
  state.patternRules.forEach((rule, index) => {
    for (const t of rule.targets) {
      const stem = matchPattern(parsePattern(t), target);
      if (stem === undefined) continue;
      if (depth > 0 && t === '%') continue; // match-anything rules do not chain
      candidates.push({ rule, stem, index });
      break;
    }
  });
  candidates.sort((a, b) => a.stem.length - b.stem.length || a.index - b.index);
  for (const { rule, stem } of candidates) {
    const withDir = (p: string): string => substitutePattern(parsePattern(p), stem);
    const prereqs = rule.prereqs.map(withDir);
    const orderOnly = rule.orderOnly.map(withDir);
    const canMake = (p: string): boolean =>
      state.explicitRules.has(p) ||
      state.phony.has(p) ||
      exists(state.repo, posix.join(state.dir || '.', p)) ||
      (depth < 2 && findPatternRule(state, p, depth + 1) !== undefined);
    // A match-anything rule is a last resort; it applies only when its prerequisites can be made.
    if (prereqs.every((p) => p === target ? false : canMake(p))) return { rule, prereqs, orderOnly, stem };
  }
  return undefined;
}

/** The frame of target- and pattern-specific variables for one target, inheriting from the target that asked for it. */
function targetScope(state: MakeState, target: string, parent: Scope): Scope {
  const assignments: TargetAssignment[] = [];
  for (const pv of state.patternVars) {
    if (matchPattern(parsePattern(pv.pattern), target) !== undefined) assignments.push(pv.assignment);
  }
  appendAll(assignments, state.targetVars.get(target) ?? []);
  if (assignments.length === 0) return parent;
  const scope: Scope = { vars: new Map(), parent };
  for (const a of assignments) {
    const local = scope.vars.get(a.name);
    const inherited = lookup(parent, a.name);
    const existing = local ?? inherited;
    const next = a.op === '+=' && (!local || local.appendTo) ? appendVariable(state, a, local, inherited, parent) : computeAssignment(state, a.name, existing, a.op === ':=' || a.op === '::=' ? '=' : a.op, a.value, a.override, parent);
    if (!next) continue;
    // `:=` values were expanded when the rule was read; store them as simple.
    const v: Variable = a.op === ':=' || a.op === '::=' ? { ...next, flavor: 'simple' } : next;
    if (a.exported !== undefined) v.exported = a.exported;
    else if (existing?.exported !== undefined) v.exported = existing.exported;
    scope.vars.set(a.name, v);
  }
  return scope;
}

/**
 * A target-specific `+=` as GNU make records it: an "append" variable whose text is added, at lookup, to the value
 * the name has where the target was asked for (expand.ts appendedValue). Command-line and `-e` environment values
 * still win unless the assignment says `override`; a second `+=` for the same target pastes the texts.
 */
function appendVariable(state: MakeState, a: TargetAssignment, local: Variable | undefined, inherited: Variable | undefined, parent: Scope): Variable | undefined {
  if (!a.override && inherited && (inherited.origin === 'command line' || inherited.origin === 'environment override')) return undefined;
  const origin = a.override ? 'override' : 'file';
  if (!local) return { flavor: 'recursive', value: a.value, origin, appendTo: parent };
  const value = `${local.value} ${a.value}`;
  if (!state.budget.fitsValue(value.length)) {
    tooLong(state, `make variable ${a.name}`);
    return { flavor: 'simple', value: unknownReference(a.name), origin };
  }
  return { ...local, value };
}

function automaticScope(target: string, prereqs: string[], orderOnly: string[], stem: string, parent: Scope): Scope {
  const auto = (value: string): Variable => ({ flavor: 'simple', value, origin: 'automatic' });
  const unique = [...new Set(prereqs)];
  return {
    parent,
    vars: new Map([
      ['@', auto(target)],
      ['<', auto(prereqs[0] ?? '')],
      ['^', auto(unique.join(' '))],
      ['+', auto(prereqs.join(' '))],
      ['?', auto(unique.join(' '))],
      ['|', auto([...new Set(orderOnly)].join(' '))],
      ['*', auto(stem)],
    ]),
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment a recipe's shell sees: the caller's, plus variables make passes on (exported ones, and those
 * that came from the environment or the command line), minus unexported ones.
 */
function recipeEnv(state: MakeState, scope: Scope, baseEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv };
  const seen = new Set<string>();
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    for (const [name, v] of s.vars) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (!ENV_NAME.test(name)) continue;
      const passOn = v.exported ?? (state.exportAll ? v.origin !== 'default' && v.origin !== 'automatic' : v.origin === 'environment' || v.origin === 'environment override' || v.origin === 'command line');
      if (!passOn) {
        if (v.exported === false) delete env[name];
        continue;
      }
      if (v.origin === 'automatic') continue;
      // Exported on some paths only: what the shell sees is not known (unknownReference reads as `$(NAME)`).
      env[name] = stripMarks(v.exportUncertain ? unknownReference(name) : valueOf(state, v, scope, name));
    }
  }
  return env;
}
