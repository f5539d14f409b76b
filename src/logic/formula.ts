/**
 * The guard algebra: every condition the engine meets (a step's `if:`, a `push:` input that depends on the event, a
 * shell `if` on an unknown, the branch a `$GITHUB_OUTPUT` write sits in) is a boolean formula over atoms. Readers
 * build formulas; the judge asks one question of them, "does the push's guard imply the signature's guard?", and
 * gets true, false or unknown — never a guess.
 *
 * Atoms are of two kinds:
 * - `atom`: the truthiness of a value the engine cannot know (`inputs.push`, `vars.RELEASE`, a shell test on a
 *   computed value). Its id is the normalized expression text, so the same condition written twice is one atom.
 * - `eq`: "subject equals value" (`github.event_name == 'push'`). Equalities on one subject are mutually exclusive,
 *   and a subject whose values the workflow fixes (its triggers) carries that closed domain.
 * Values compare case-insensitively, as GitHub's `==` does.
 */

export type Formula =
  | { readonly k: 'const'; readonly v: boolean }
  | { readonly k: 'atom'; readonly id: string }
  | { readonly k: 'eq'; readonly subject: string; readonly value: string; readonly domain?: readonly string[] }
  | { readonly k: 'not'; readonly f: Formula }
  | { readonly k: 'and'; readonly fs: readonly Formula[] }
  | { readonly k: 'or'; readonly fs: readonly Formula[] };

export const TRUE: Formula = { k: 'const', v: true };
export const FALSE: Formula = { k: 'const', v: false };

/** Formulas larger than this collapse into one opaque atom (hostile input cannot make the algebra's work explode). */
const MAX_NODES = 400;

const keys = new WeakMap<Formula, string>();
const sizes = new WeakMap<Formula, number>();

/** A canonical text for a formula: equal keys mean equal formulas (used for deduplication and memo keys). */
export function formulaKey(f: Formula): string {
  let k = keys.get(f);
  if (k !== undefined) return k;
  switch (f.k) {
    case 'const':
      k = f.v ? 'T' : 'F';
      break;
    case 'atom':
      k = `a(${f.id})`;
      break;
    case 'eq':
      k = `e(${f.subject}=${f.value})`;
      break;
    case 'not':
      k = `!${formulaKey(f.f)}`;
      break;
    case 'and':
    case 'or':
      k = `${f.k}[${f.fs.map(formulaKey).join(',')}]`;
      break;
  }
  keys.set(f, k);
  return k;
}

function size(f: Formula): number {
  let n = sizes.get(f);
  if (n !== undefined) return n;
  n = f.k === 'not' ? 1 + size(f.f) : f.k === 'and' || f.k === 'or' ? f.fs.reduce((a, x) => a + size(x), 1) : 1;
  sizes.set(f, n);
  return n;
}

export function atom(id: string): Formula {
  return { k: 'atom', id };
}

/**
 * An atom for a condition another language tests (a shell test, a make conditional) that the engine cannot
 * decide. Written as a call, `kind('text')`, so that it survives being stored in a workflow expression and read
 * back (quotes and expression braces, which the text cannot carry, are dropped).
 */
export function foreignAtom(kind: string, text: string): Formula {
  const clean = text.replace(/\$\{\{|\}\}/g, '').replace(/['"\\]/g, '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return atom(`${kind}('${clean}')`);
}

/** `subject == value`; a closed domain decides it when the value is outside it. */
export function eq(subject: string, value: string, domain?: readonly string[]): Formula {
  const v = value.toLowerCase();
  if (domain) {
    const d = [...new Set(domain.map((x) => x.toLowerCase()))].sort();
    if (!d.includes(v)) return FALSE;
    if (d.length === 1) return TRUE;
    return { k: 'eq', subject, value: v, domain: d };
  }
  return { k: 'eq', subject, value: v };
}

/** Whether a formula is the constant false (a path that cannot happen). */
export function isFalse(f: Formula): boolean {
  return f.k === 'const' && !f.v;
}

export function not(f: Formula): Formula {
  if (f.k === 'const') return f.v ? FALSE : TRUE;
  if (f.k === 'not') return f.f;
  return { k: 'not', f };
}

export function and(...fs: Formula[]): Formula {
  // The common case on hot paths: one side is "always".
  if (fs.length === 2) {
    if (fs[0]!.k === 'const') return fs[0]!.v ? fs[1]! : FALSE;
    if (fs[1]!.k === 'const') return fs[1]!.v ? fs[0]! : FALSE;
  }
  return junction('and', fs);
}

export function or(...fs: Formula[]): Formula {
  if (fs.length === 1) return fs[0]!;
  return junction('or', fs);
}

function junction(kind: 'and' | 'or', input: Formula[]): Formula {
  const unit = kind === 'and'; // the neutral constant: true for and, false for or
  const out: Formula[] = [];
  const seen = new Set<string>();
  const stack = [...input].reverse();
  while (stack.length) {
    const f = stack.pop()!;
    if (f.k === 'const') {
      if (f.v === unit) continue;
      return f; // absorbing
    }
    if (f.k === kind) {
      for (let i = f.fs.length - 1; i >= 0; i--) stack.push(f.fs[i]!);
      continue;
    }
    const key = formulaKey(f);
    if (seen.has(key)) continue;
    const negated = f.k === 'not' ? formulaKey(f.f) : `!${key}`;
    if (seen.has(negated)) return unit ? FALSE : TRUE; // x && !x, x || !x
    seen.add(key);
    out.push(f);
  }
  if (out.length === 0) return unit ? TRUE : FALSE;
  if (out.length === 1) return out[0]!;
  // a || (!a && b) is a || b, and a && (!a || b) is a && b: drop members of the opposite junction that negate a sibling.
  const other = kind === 'and' ? 'or' : 'and';
  if (out.some((f) => f.k === other)) {
    const negations = new Set(out.map((f) => (f.k === 'not' ? formulaKey(f.f) : `!${formulaKey(f)}`)));
    const reduced = out.map((f) => (f.k === other && f.fs.some((g) => negations.has(formulaKey(g))) ? junction(other, f.fs.filter((g) => !negations.has(formulaKey(g)))) : f));
    if (reduced.some((f, i) => f !== out[i])) return junction(kind, reduced);
  }
  if (kind === 'or' && out.length <= MAX_MERGED_TERMS && out.some((f) => f.k === 'and')) {
    const merged = mergeTerms(out);
    if (merged) return junction('or', merged);
  }
  const result: Formula = { k: kind, fs: out };
  if (size(result) > MAX_NODES) return atom(`complex condition #${hash(formulaKey(result))}`);
  return result;
}

/** Disjunctions of at most this many terms are merged (mergeTerms is quadratic in them). */
const MAX_MERGED_TERMS = 32;

/**
 * One step of simplifying a disjunction of conjunctions, by two equivalences: `(x && s) || (x && !s)` is `x`, and
 * `x || (x && y)` is `x`. Joins over paths make exactly these (a value written on both sides of a shell test the
 * later text does not depend on), and without merging them a condition doubles with every such test until it is
 * too large to read back. Undefined when nothing merges.
 */
function mergeTerms(terms: readonly Formula[]): Formula[] | undefined {
  const lits = terms.map((t) => (t.k === 'and' ? t.fs : [t]));
  const keysOf = lits.map((ls) => new Set(ls.map(formulaKey)));
  for (let i = 0; i < terms.length; i++) {
    for (let j = 0; j < terms.length; j++) {
      if (i === j) continue;
      const a = keysOf[i]!;
      const b = keysOf[j]!;
      // Absorption: every literal of i is in j, so j adds nothing.
      if (a.size < b.size && [...a].every((k) => b.has(k))) return terms.filter((_, k) => k !== j);
      if (j < i || a.size !== b.size) continue;
      const onlyA = lits[i]!.filter((l) => !b.has(formulaKey(l)));
      if (onlyA.length !== 1) continue;
      const onlyB = lits[j]!.filter((l) => !a.has(formulaKey(l)));
      if (onlyB.length !== 1 || formulaKey(not(onlyA[0]!)) !== formulaKey(onlyB[0]!)) continue;
      const common = lits[i]!.filter((l) => l !== onlyA[0]);
      return [...terms.filter((_, k) => k !== i && k !== j), and(...common)];
    }
  }
  return undefined;
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

// ---------------------------------------------------------------- deciding

export type Decision = boolean | 'unknown';

/** How much substitution work one decision may do, and how many distinct variables it may split on. */
const WORK_BUDGET = 200_000;
const MAX_VARIABLES = 40;

class OutOfBudget extends Error {}

/**
 * Whether `a` implies `b` (every situation in which `a` holds, `b` holds too): decided by case splitting over the
 * atoms with simplification after each substitution, within a work bound. `unknown` when the bound is hit.
 */
export function implies(a: Formula, b: Formula): Decision {
  if (b.k === 'const' && b.v) return true;
  if (formulaKey(a) === formulaKey(b)) return true;
  const s = satisfiable(and(a, not(b)));
  return s === 'unknown' ? 'unknown' : !s;
}

/** Whether some assignment of the atoms makes `f` true. */
export function satisfiable(f: Formula): Decision {
  if (f.k === 'const') return f.v;
  if (variables(f).size > MAX_VARIABLES) return 'unknown';
  const work = { left: WORK_BUDGET };
  try {
    return sat(f, work);
  } catch (e) {
    if (e instanceof OutOfBudget) return 'unknown';
    throw e;
  }
}

type Variable = { kind: 'atom'; id: string } | { kind: 'subject'; subject: string; values: Set<string>; closed: readonly string[] | undefined };

/** Boolean atoms and equality subjects of a formula; an atom named like a subject is that subject's truthiness. */
function variables(f: Formula): Map<string, Variable> {
  const vars = new Map<string, Variable>();
  const stack: Formula[] = [f];
  while (stack.length) {
    const g = stack.pop()!;
    if (g.k === 'atom') {
      if (!vars.has(g.id)) vars.set(g.id, { kind: 'atom', id: g.id });
    } else if (g.k === 'eq') {
      let v = vars.get(g.subject);
      if (!v || v.kind === 'atom') {
        v = { kind: 'subject', subject: g.subject, values: new Set(), closed: g.domain };
        vars.set(g.subject, v);
      }
      v.values.add(g.value);
    } else if (g.k === 'not') stack.push(g.f);
    else if (g.k === 'and' || g.k === 'or') stack.push(...g.fs);
  }
  return vars;
}

function sat(f: Formula, work: { left: number }): boolean {
  if (f.k === 'const') return f.v;
  const first = variables(f).values().next().value as Variable;
  if (first.kind === 'atom') {
    return sat(substitute(f, first.id, undefined, true, work), work) || sat(substitute(f, first.id, undefined, false, work), work);
  }
  // An open subject can also hold the empty string or some value no equality names.
  const values = first.closed ? [...first.closed] : [...first.values, ...(first.values.has('') ? [] : ['']), OTHER];
  for (const value of values) if (sat(substitute(f, first.subject, value, value !== '', work), work)) return true;
  return false;
}

const OTHER = '\u0000other';

/** Replaces a variable by a value: `atom(name)` by `truth`, `eq(name, x)` by `x == value`. */
function substitute(f: Formula, name: string, value: string | undefined, truth: boolean, work: { left: number }): Formula {
  work.left -= size(f);
  if (work.left < 0) throw new OutOfBudget();
  const walk = (g: Formula): Formula => {
    switch (g.k) {
      case 'const':
        return g;
      case 'atom':
        return g.id === name ? (truth ? TRUE : FALSE) : g;
      case 'eq':
        return g.subject === name && value !== undefined ? (g.value === value ? TRUE : FALSE) : g;
      case 'not':
        return not(walk(g.f));
      case 'and':
        return and(...g.fs.map(walk));
      case 'or':
        return or(...g.fs.map(walk));
    }
  };
  return walk(f);
}

// ---------------------------------------------------------------- showing

/**
 * The formula as a GitHub expression: re-parsing it gives the same formula, so a condition can travel through a
 * reusable workflow's input, an action's output or an env variable as text and come back unchanged.
 */
export function formulaText(f: Formula): string {
  switch (f.k) {
    case 'const':
      return f.v ? 'true' : 'false';
    case 'atom':
      return f.id;
    case 'eq':
      return `${f.subject} == ${quote(f.value)}`;
    case 'not':
      if (f.f.k === 'eq') return `${f.f.subject} != ${quote(f.f.value)}`;
      return f.f.k === 'atom' && /^[\w.-]+$/.test(f.f.id) ? `!${f.f.id}` : `!(${formulaText(f.f)})`;
    case 'and':
      return f.fs.map((x) => (x.k === 'or' ? `(${formulaText(x)})` : formulaText(x))).join(' && ');
    case 'or':
      return f.fs.map((x) => (x.k === 'and' ? `(${formulaText(x)})` : formulaText(x))).join(' || ');
  }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The conjuncts of a formula (itself when it is not a conjunction). */
export function conjuncts(f: Formula): readonly Formula[] {
  return f.k === 'and' ? f.fs : f.k === 'const' && f.v ? [] : [f];
}
