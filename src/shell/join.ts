import { type Formula } from '../logic/formula.js';
import { mergeAlternatives, type Alternative } from '../logic/value.js';
import { flatAlternatives, writeAlternatives } from '../expr/expr.js';
import { charge, fitsValue, oversized } from './bounds.js';
import type { Frame, Value } from './state.js';

/**
 * Joining what different paths left in the variables. A path the engine cannot decide (an `if`, `case`, `&&`/`||`
 * on an unknown, a loop that may run any number of times) does not replace a variable: afterwards it holds every
 * value a path can leave, each under that path's condition.
 */

/** One path through a construct: its condition and how to run it (nothing, for a path on which nothing runs). */
export interface Branch {
  when: Formula;
  run?: () => void;
}

/** What one path left in the names it wrote. */
export interface Outcome {
  values: Map<string, Value | undefined>;
  when: Formula;
}

/**
 * Runs each branch from the same variables (each branch's writes are undone before the next), then gives every
 * name some branch wrote the join of what the branches left. Branches run their own conditions (underCondition).
 */
export function runBranches(frame: Frame, branches: readonly Branch[], where: string): void {
  const before = new Map<string, Value | undefined>();
  const outcomes: Outcome[] = [];
  for (const b of branches) {
    if (!b.run) {
      outcomes.push({ values: new Map(), when: b.when });
      continue;
    }
    const journal = frame.vars.begin();
    try {
      b.run();
    } finally {
      frame.vars.end(journal);
    }
    const values = new Map<string, Value | undefined>();
    for (const [key, old] of journal) {
      if (!before.has(key)) before.set(key, old);
      values.set(key, frame.vars.get(key));
    }
    outcomes.push({ values, when: b.when });
    frame.vars.undo(journal);
    if (!charge(frame, journal.size + 1)) return;
  }
  joinOutcomes(frame, outcomes, before, where);
}

/**
 * Sets each name of `before` (its value before the construct) to the join of the outcomes: the value of the only
 * outcome that can happen, the common value when they agree, else alternatives. An outcome that did not write a
 * name holds its value from before.
 */
export function joinOutcomes(frame: Frame, outcomes: readonly Outcome[], before: ReadonlyMap<string, Value | undefined>, where: string): void {
  const live = outcomes.filter((o) => !(o.when.k === 'const' && !o.when.v));
  if (!live.length) return;
  for (const [key, old] of before) {
    const values = live.map((o) => (o.values.has(key) ? o.values.get(key) : old));
    const joined = joinValues(frame, values, live.map((o) => o.when), `value of ${key} ${where}`);
    if (joined === undefined) frame.vars.delete(key);
    else frame.vars.set(key, joined);
  }
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.text !== b.text) return false;
  if (!a.unknownCount !== !b.unknownCount) return false;
  if (!a.items && !b.items) return true;
  if (!a.items || !b.items || a.items.length !== b.items.length) return false;
  return a.items.every((x, i) => x === b.items![i]);
}

/**
 * One value from the values of several paths. Arrays join item by item; where the paths leave arrays of different
 * lengths, an item some path does not have is the empty text on that path (a command given it gets nothing to
 * name) and the array's length is no longer known.
 */
export function joinValues(frame: Frame, values: ReadonlyArray<Value | undefined>, whens: readonly Formula[], subject: string): Value | undefined {
  if (values.every((v) => sameValue(v, values[0]))) return values[0];
  if (!values.some((v) => v?.items)) {
    return { text: joinTexts(frame, values.map((v, i) => ({ text: v?.text ?? '', when: whens[i]! })), subject) };
  }
  const lists = values.map((v) => (v === undefined ? [] : (v.items ?? [v.text])));
  const length = Math.max(...lists.map((l) => l.length));
  const items: string[] = [];
  for (let j = 0; j < length; j++) items.push(joinTexts(frame, lists.map((l, i) => ({ text: l[j] ?? '', when: whens[i]! })), `${subject}, item ${j}`));
  const ragged = lists.some((l) => l.length !== length) || values.some((v) => v?.raggedItems);
  const unknownCount = values.some((v) => v?.unknownCount);
  return { text: items[0] ?? '', items, ...(ragged ? { raggedItems: true } : {}), ...(unknownCount ? { unknownCount: true } : {}) };
}

/**
 * The texts of several paths as one value: the text itself when they agree, else one conditional expression (as a
 * step's `if:` write is kept; see writeAlternatives). Alternatives that are themselves joins are flattened, each
 * flattened alternative charged to the budget. Unknown — never one of the texts — when they cannot be written back.
 */
export function joinTexts(frame: Frame, alts: readonly Alternative[], subject: string): string {
  const flat = flatAlternatives(alts);
  if (!charge(frame, flat.length + 1)) return unknownJoin(subject);
  const text = writeAlternatives(mergeAlternatives(flat), subject, alts[0]?.text ?? '');
  if (!fitsValue(frame, text.length)) return oversized(frame, subject);
  return text;
}

/** A join that cannot be written as alternatives: unknown, and written as a run-time value so it is never a name. */
export function unknownJoin(subject: string): string {
  return `$(${subject})`;
}
