import { and, atom, eq, FALSE, not, or, TRUE, type Formula } from '../../logic/formula.js';

/**
 * GitLab CI/CD expressions (`rules:if`, `only:variables`, `workflow:rules:if`) as guard formulas.
 * Reference: https://docs.gitlab.com/ci/jobs/job_rules/#cicd-variable-expressions (operators `==`, `!=`, `=~`,
 * `!~`, `&&`, `||`, parentheses; `$VAR` alone is true when the variable is defined and not empty; `null`
 * compares with an undefined variable).
 *
 * What the engine cannot know stays an atom named by the expression as written, so the same condition written
 * twice (`if: $CI_COMMIT_TAG` on the push job and on the sign job) is one atom and implies itself. GitLab compares
 * strings case-sensitively while the shared algebra's `eq` is case-insensitive (GitHub's `==`): a value with an
 * upper-case letter therefore becomes an opaque atom, never an `eq`, so `== "Main"` and `== "main"` are not taken
 * for the same condition. Anything this module does not parse becomes one atom of the whole text: it then implies
 * nothing but itself, which can only make a signature count less (fail closed), never more.
 */

/** Values the reader knows (`variables:` with literal values, job name…); everything else is unknown. */
export type KnownVars = ReadonlyMap<string, string>;

type Tok =
  | { t: 'var'; name: string }
  | { t: 'str'; v: string }
  | { t: 'null' }
  | { t: 're'; text: string }
  | { t: 'op'; v: '==' | '!=' | '=~' | '!~' | '&&' | '||' | '(' | ')' };

const MAX_EXPR = 4096;

function tokenize(text: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '=~' || two === '!~' || two === '&&' || two === '||') {
      out.push({ t: 'op', v: two });
      i += 2;
      // A regular expression follows a match operator: /…/flags, with \/ escapes.
      if (two === '=~' || two === '!~') {
        while (text[i] === ' ') i++;
        if (text[i] === '/') {
          let j = i + 1;
          while (j < text.length && text[j] !== '/') j += text[j] === '\\' ? 2 : 1;
          if (j >= text.length) return undefined;
          j++;
          while (j < text.length && /[a-z]/i.test(text[j]!)) j++;
          out.push({ t: 're', text: text.slice(i, j) });
          i = j;
        }
      }
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
      if (!m) return undefined;
      out.push({ t: 'var', name: (m[1] ?? m[2])! });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const j = text.indexOf(c, i + 1);
      if (j < 0) return undefined;
      out.push({ t: 'str', v: text.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (text.startsWith('null', i) && !/[\w]/.test(text[i + 4] ?? '')) {
      out.push({ t: 'null' });
      i += 4;
      continue;
    }
    return undefined;
  }
  return out;
}

/** `subject == value` as GitLab means it (case-sensitive): an `eq` only where case cannot matter. */
function equals(subject: string, value: string): Formula {
  return value === value.toLowerCase() ? eq(subject, value) : atom(`${subject} == "${value}"`);
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly known: KnownVars,
  ) {}

  done(): boolean {
    return this.i >= this.toks.length;
  }

  or(): Formula | undefined {
    let left = this.and();
    while (left && this.peekOp('||')) {
      this.i++;
      const right = this.and();
      left = right ? or(left, right) : undefined;
    }
    return left;
  }

  private and(): Formula | undefined {
    let left = this.primary();
    while (left && this.peekOp('&&')) {
      this.i++;
      const right = this.primary();
      left = right ? and(left, right) : undefined;
    }
    return left;
  }

  private peekOp(v: string): boolean {
    const t = this.toks[this.i];
    return !!t && t.t === 'op' && t.v === v;
  }

  private primary(): Formula | undefined {
    const t = this.toks[this.i];
    if (!t) return undefined;
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      const inner = this.or();
      if (!inner || !this.peekOp(')')) return undefined;
      this.i++;
      return inner;
    }
    if (t.t === 'op') return undefined;
    this.i++;
    const next = this.toks[this.i];
    if (next && next.t === 'op' && (next.v === '==' || next.v === '!=' || next.v === '=~' || next.v === '!~')) {
      this.i++;
      const rhs = this.toks[this.i++];
      if (!rhs || rhs.t === 'op') return undefined;
      return this.compare(t, next.v, rhs);
    }
    // A bare operand: a variable is true when defined and not empty; a literal string when not empty.
    if (t.t === 'var') {
      const v = this.known.get(t.name);
      return v !== undefined ? (v !== '' ? TRUE : FALSE) : atom(`$${t.name}`);
    }
    if (t.t === 'str') return t.v !== '' ? TRUE : FALSE;
    if (t.t === 'null') return FALSE;
    return undefined;
  }

  private compare(lhs: Exclude<Tok, { t: 'op' }>, op: '==' | '!=' | '=~' | '!~', rhs: Exclude<Tok, { t: 'op' }>): Formula | undefined {
    if (op === '=~' || op === '!~') {
      if (rhs.t !== 're' && rhs.t !== 'var') return undefined;
      // Pattern matches are never decided here: an atom of the comparison as written (a known left side by value).
      const left = this.valueOf(lhs);
      const f = atom(`${left !== undefined ? JSON.stringify(left) : operandText(lhs)} =~ ${rhs.t === 're' ? rhs.text : `$${rhs.name}`}`);
      return op === '=~' ? f : not(f);
    }
    // Put a variable on the left (`"main" == $X` is `$X == "main"`).
    const [a, b] = lhs.t !== 'var' && rhs.t === 'var' ? [rhs, lhs] : [lhs, rhs];
    let f: Formula;
    const av = this.valueOf(a);
    const bv = this.valueOf(b);
    if (av !== undefined && bv !== undefined) f = av === bv ? TRUE : FALSE;
    else if (a.t === 'var' && av === undefined && b.t === 'null') f = atom(`$${a.name} == null`);
    else if (a.t === 'var' && av === undefined && bv !== undefined && b.t !== 'null') f = equals(`$${a.name}`, bv);
    else if (a.t === 'var' && av !== undefined && b.t === 'null') f = FALSE;
    else if (a.t === 'null' && b.t === 'null') f = TRUE;
    else f = atom(`${operandText(a)} == ${operandText(b)}`);
    return op === '==' ? f : not(f);
  }

  /** The known text of an operand (a literal, or a variable with a known value); undefined when unknown or null. */
  private valueOf(t: Exclude<Tok, { t: 'op' }>): string | undefined {
    if (t.t === 'str') return t.v;
    if (t.t === 'var') return this.known.get(t.name);
    return undefined;
  }
}

function operandText(t: Exclude<Tok, { t: 'op' }>): string {
  switch (t.t) {
    case 'var':
      return `$${t.name}`;
    case 'str':
      return JSON.stringify(t.v);
    case 'null':
      return 'null';
    case 're':
      return t.text;
  }
}

/** A GitLab expression as a formula; text it cannot parse is one atom of the whole (fail closed). */
export function gitlabCondition(text: string, known: KnownVars): Formula {
  const trimmed = text.trim();
  if (trimmed === '') return TRUE;
  if (trimmed.length > MAX_EXPR) return atom(`${trimmed.slice(0, 80)}…`);
  const toks = tokenize(trimmed);
  if (toks) {
    const p = new Parser(toks, known);
    const f = p.or();
    if (f && p.done()) return f;
  }
  return atom(trimmed);
}

/**
 * `only:`/`except:` refs (https://docs.gitlab.com/ci/yaml/#onlyrefs--exceptrefs): the keywords name pipeline kinds,
 * anything else is a ref name or a `/regex/`. They are written in the same atoms as `rules:if` would test the same
 * thing (`tags` is `$CI_COMMIT_TAG`), so a job on `only: [tags]` and one on `if: $CI_COMMIT_TAG` run together.
 */
export function refCondition(ref: string): Formula {
  const source: Record<string, string> = {
    api: 'api',
    chat: 'chat',
    external: 'external',
    external_pull_requests: 'external_pull_request_event',
    merge_requests: 'merge_request_event',
    pipelines: 'pipeline',
    pushes: 'push',
    schedules: 'schedule',
    triggers: 'trigger',
    web: 'web',
  };
  if (ref === 'branches') return atom('$CI_COMMIT_BRANCH');
  if (ref === 'tags') return atom('$CI_COMMIT_TAG');
  if (Object.hasOwn(source, ref)) return eq('$CI_PIPELINE_SOURCE', source[ref]!);
  if (/^\/.*\/[a-z]*$/i.test(ref)) return atom(`$CI_COMMIT_REF_NAME =~ ${ref}`);
  return equals('$CI_COMMIT_REF_NAME', ref);
}
