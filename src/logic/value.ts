import { and, not, or, type Formula } from './formula.js';

/**
 * The value domain shared by the readers. A value is known text; or a set of alternatives, each with the
 * condition under which it holds; or unknown, kept as written (`$(git describe)`, `${{ secrets.X }}`) so it can be
 * shown and never mistaken for a literal. Texts with unresolved parts are the unknown form; alternatives are what
 * a write under an undecided branch produces — the writes join, the last one no longer simply wins.
 */
export interface Alternative {
  readonly text: string;
  readonly when: Formula;
}

/**
 * How many alternatives one value may hold. The expression evaluator keeps no more than this many per value, so a
 * join of more paths is unknown instead (keeping some of them would be a value that silently lost the others).
 */
export const MAX_ALTERNATIVES = 8;

/** Text written somewhere (a `$GITHUB_OUTPUT` append) under a condition. */
export interface ConditionalText {
  readonly text: string;
  readonly when: Formula;
}

/** One `name=value` write, under the condition of the path that made it. */
export interface Written {
  readonly key: string;
  readonly value: string;
  readonly when: Formula;
}

/**
 * The value each name holds after a sequence of writes: a later write under condition W replaces what came
 * before exactly when W holds, so earlier values remain as alternatives under `!W`. A name written under no
 * condition at all has one value. (A path on which nothing was written keeps no alternative: that value is absent.)
 */
export function joinWrites(writes: readonly Written[]): Map<string, Alternative[]> {
  const out = new Map<string, Alternative[]>();
  for (const w of writes) {
    const before = out.get(w.key) ?? [];
    const kept = before.map((a) => ({ text: a.text, when: and(a.when, not(w.when)) })).filter((a) => !(a.when.k === 'const' && !a.when.v));
    out.set(w.key, mergeAlternatives([...kept, { text: w.value, when: w.when }]));
  }
  return out;
}

/** Equal texts become one alternative whose condition is the disjunction of theirs. */
export function mergeAlternatives(alts: readonly Alternative[]): Alternative[] {
  const byText = new Map<string, Formula>();
  for (const a of alts) {
    const prev = byText.get(a.text);
    byText.set(a.text, prev ? or(prev, a.when) : a.when);
  }
  return [...byText].map(([text, when]) => ({ text, when }));
}
