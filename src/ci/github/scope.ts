import { known, normalizeAtom, unknown, wholeExpression, evaluateSource, interpolateAlternatives, type EValue, type Lookup } from '../../expr/expr.js';
import { isWholeDigest } from '../../model/digest.js';

/**
 * The values visible to expressions at one point of a job: github context (what the repository name tells),
 * inputs, env, matrix, step outputs, needs outputs. Every stored value is text as the runner would see it after
 * interpolation in its defining scope, with unknown parts kept as written (`${{ secrets.X }}`).
 */
export interface Scope {
  github: Record<string, unknown>;
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  matrix: Record<string, unknown>;
  steps: Record<string, { outputs: Record<string, string> }>;
  needs: Record<string, { outputs: Record<string, string> }>;
  /** `jobs.<id>.outputs` inside a reusable workflow's `on.workflow_call.outputs`. */
  jobs: Record<string, { outputs: Record<string, string> }>;
  /** Names of every step id in the current job (for "if: names a step that does not exist"). */
  stepIds?: Set<string>;
}

/** Key in the github context holding the events that can trigger the run (the root workflow's `on:`). */
export const EVENTS = '__events';
/** Key holding the git refs the run can have, when all are literal (`on: push: branches: [main]`). */
export const REFS = '__refs';

export function githubContext(repository: string | undefined): Record<string, unknown> {
  if (!repository) return {};
  const [owner, name] = repository.split('/');
  return {
    repository,
    repository_owner: owner,
    event: { repository: { name, full_name: repository, owner: { login: owner } } },
  };
}

export function emptyScope(github: Record<string, unknown>): Scope {
  return { github, inputs: {}, env: {}, matrix: {}, steps: {}, needs: {}, jobs: {} };
}

/**
 * A stored text value as an expression value. A whole `${{ expr }}` (an unknown written back as an expression, or
 * alternatives under conditions) is evaluated again, with only what the workflow fixes for every job known (the
 * trigger events and refs), so its formula comes back as it was stored.
 */
function fromText(text: string | undefined, path: string, scope: Scope): EValue[] {
  if (text === undefined) return [unknown(path)];
  const inner = wholeExpression(text);
  if (inner !== undefined) return evaluateSource(inner, storedLookup(scope));
  // Text a shell step could only write at run time (`tag=${GITHUB_REF##*/}`, `$(git describe)`): unknown in
  // expressions (`startsWith(steps.tag.outputs.tag, 'v')` cannot be decided), shown as written where it is text.
  if (RUN_TIME_TEXT.test(text) && !text.includes('${{')) return [{ known: false, atoms: [path], subject: normalizeAtom(path), written: text, ...(isWholeDigest(text) ? { nonEmpty: true } : {}) }];
  // Text with a conditional value inside (a shell step built it from one): its alternatives, each with its condition.
  if (text.includes('${{')) {
    const alternatives = interpolateAlternatives(text, storedLookup(scope));
    if (alternatives.length > 1) return alternatives.map((a) => known(a.text, a.when));
  }
  return [known(text)];
}

/** Shell expansions left as written: a command substitution, a parameter expansion, a variable, backticks. */
const RUN_TIME_TEXT = /\$\(|\$\{|\$[A-Za-z_]|`/;

/** What a stored expression may refer to: the run's fixed domains; everything else is an unknown atom. */
function storedLookup(scope: Scope): Lookup {
  return (path, text) => {
    const domain = fixedDomain(scope, path);
    return domain ? [domain] : [unknown(text)];
  };
}

function fixedDomain(scope: Scope, path: string[]): EValue | undefined {
  if (path.length !== 2 || path[0]!.toLowerCase() !== 'github') return undefined;
  const field = path[1]!.toLowerCase();
  if (field === 'event_name' && Array.isArray(scope.github[EVENTS])) return { known: false, atoms: ['github.event_name'], subject: 'github.event_name', domain: scope.github[EVENTS] as string[] };
  if (field === 'ref' && Array.isArray(scope.github[REFS])) return { known: false, atoms: ['github.ref'], subject: 'github.ref', domain: scope.github[REFS] as string[] };
  return undefined;
}

function dig(value: unknown, rest: string[], path: string, scope: Scope): EValue[] {
  let cur = value;
  for (const seg of rest) {
    if (cur === null || cur === undefined) return [unknown(path)];
    if (typeof cur === 'string') {
      const inner = wholeExpression(cur);
      if (inner !== undefined) return [unknown(`${inner}.${rest.join('.')}`)];
      return [unknown(path)];
    }
    if (typeof cur !== 'object') return [unknown(path)];
    const obj = cur as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === seg.toLowerCase());
    if (key === undefined) return [unknown(path)];
    cur = obj[key];
  }
  if (typeof cur === 'string') return fromText(cur, path, scope);
  return cur === undefined ? [unknown(path)] : [known(cur)];
}

/**
 * Marks a matrix combination whose keys are all known (no key, `include` or `exclude` given as an expression): a key
 * it lacks is null on the runner (`${{ matrix.slug }}` is '' for an include entry without `slug`). Not enumerable,
 * so comparisons and copies of the combination's values are unaffected.
 */
export const MATRIX_COMPLETE = Symbol('matrix-complete');

export function isCompleteMatrix(matrix: object): boolean {
  return (matrix as Record<symbol, unknown>)[MATRIX_COMPLETE] === true;
}

export function markComplete(combos: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  for (const c of combos) Object.defineProperty(c, MATRIX_COMPLETE, { value: true, enumerable: false });
  return combos;
}

export function scopeLookup(scope: Scope): Lookup {
  return (path, text) => {
    const [head, ...rest] = path;
    const h = (head ?? '').toLowerCase();
    switch (h) {
      case 'github':
        if (rest[0] === 'event' && rest[1] === 'inputs' && rest[2]) return dig(scope.inputs, rest.slice(2), text, scope);
        {
          const domain = fixedDomain(scope, path);
          if (domain) return [domain];
        }
        return dig(scope.github, rest, text, scope);
      case 'inputs':
        return dig(scope.inputs, rest, text, scope);
      case 'env':
        return rest.length === 1 ? fromText(lookupEnv(scope.env, rest[0]!), text, scope) : [unknown(text)];
      case 'matrix': {
        // A key the (fully known) combination lacks is null on the runner: '' in text.
        const key = rest[0];
        if (rest.length === 1 && key !== undefined && isCompleteMatrix(scope.matrix) && !Object.keys(scope.matrix).some((k) => k.toLowerCase() === key.toLowerCase())) return [known('')];
        return dig(scope.matrix, rest, text, scope);
      }
      case 'steps': {
        const [id, field, name] = rest;
        if (field === 'outputs' && id && name) return fromText(scope.steps[id]?.outputs[name], text, scope);
        return [unknown(text)];
      }
      case 'needs': {
        const [id, field, name] = rest;
        if (field === 'outputs' && id && name) return fromText(scope.needs[id]?.outputs[name], text, scope);
        return [unknown(text)];
      }
      case 'jobs': {
        const [id, field, name] = rest;
        if (field === 'outputs' && id && name) return fromText(scope.jobs[id]?.outputs[name], text, scope);
        return [unknown(text)];
      }
      default:
        return [unknown(text)];
    }
  };
}

function lookupEnv(env: Record<string, string>, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
}

/** Evaluates a whole-expression input value (e.g. `${{ github.event_name == 'push' }}`) in the caller's scope. */
export function evaluateInCaller(text: string, lookup: Lookup): EValue[] {
  const inner = wholeExpression(text);
  return inner === undefined ? [known(text)] : evaluateSource(inner, lookup);
}
