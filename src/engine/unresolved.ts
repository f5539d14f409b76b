import type { Finding } from '../model/finding.js';
import { parseImageRef } from '../model/image-ref.js';
import type { ImageRef, PushOp } from '../model/pipeline.js';
import { ruleFinding } from '../model/rule-finding.js';
import { expressionFails } from '../expr/expr.js';

/**
 * Push names that data flow did not resolve. A text listing several names (`a,b,c`) is a list, never a name: it is
 * split. A name made by a command the analysis does not run (`$(read tag)`, `$(… | envsubst)`, backticks, an env
 * value only a run-time write sets) is not an image: it becomes one `unresolved-push` finding at the push, and the push is judged for its other names only.
 * Names that come from configuration the repository cannot show (`${{ vars.REPO }}`) stay images: the name is
 * stable, only unknown here.
 */
export function separateUnresolved(pushes: readonly PushOp[]): { pushes: PushOp[]; findings: Finding[] } {
  const kept: PushOp[] = [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const push of pushes) {
    const refs = push.refs.flatMap(splitList);
    const named: ImageRef[] = [];
    for (const ref of refs) {
      // `:tag` with nothing before it, or a bare registry (`ghcr.io/$EMPTY`): an empty variable on this path; no
      // image can be pushed by that name.
      if (/^[:@]/.test(ref.raw.trim()) || ref.name === '' || /^[\w.-]+(:\d+)?$/.test(ref.name)) continue;
      const computed = computedPart(ref.name);
      if (computed === undefined) {
        named.push(ref);
        continue;
      }
      const key = `${push.location.file}:${push.location.line}:${ref.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push(
        ruleFinding(
          'unresolved-push',
          computed.failing
            ? `${push.tool} pushes an image whose name holds an expression GitHub cannot evaluate (${computed.text}); at run time the step fails there, so it is not counted as an image and its signing is not judged. Fix the expression.`
            : `${push.tool} pushes an image whose name is computed at run time (${computed.text}); it is not counted as an image and its signing is not judged. Give the name where the analysis can read it (a literal, an env value or an input).`,
          push.location,
          push.chain,
        ),
      );
    }
    if (named.length === push.refs.length && refs.length === push.refs.length) kept.push(push);
    else if (named.length > 0) kept.push({ ...push, refs: named, confidence: push.confidence === 'high' ? 'medium' : push.confidence });
  }
  return { pushes: kept, findings };
}

function splitList(ref: ImageRef): ImageRef[] {
  if (!ref.raw.includes(',')) return [ref];
  const parts = splitOutsideTemplates(ref.raw).map((p) => p.trim()).filter(Boolean);
  return parts.length > 1 ? parts.map(parseImageRef) : [ref];
}

/** Splits on commas that are not inside `${{ … }}`, `${…}` or `$(…)`. */
function splitOutsideTemplates(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) {
      depth++;
      i += text.startsWith('${{', i) ? 2 : 1;
    } else if (depth > 0 && (c === '{' || c === '(')) depth++;
    else if (depth > 0 && text.startsWith('}}', i)) {
      depth--;
      i++;
    } else if (depth > 0 && (c === '}' || c === ')')) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The run-time computation a name is made from: a command substitution, a value the pipeline only produces while
 * it runs (an env variable or step output that no step visibly sets, e.g. `cat file >> $GITHUB_ENV`), or a GitHub
 * expression that fails to evaluate (`${{ format() }}`: at run time an error, not text). The leftmost one, as
 * written (shortened). One pass over the name, no backtracking regular expression: names can be long lines.
 */
function computedPart(name: string): { text: string; failing: boolean } | undefined {
  let from = 0;
  for (;;) {
    const found = nextComputed(name, from);
    if (!found) return undefined;
    if (found.part !== undefined) return { text: found.part.length > 60 ? `${found.part.slice(0, 57)}…` : found.part, failing: found.failing === true };
    from = found.next;
  }
}

/**
 * From `from`: the first `$(…)`, `` `…` `` or `${{ … }}`. A substitution is computed (up to its closer, or the
 * end); an expression is computed when it reads env/steps/needs/jobs or fails to evaluate — otherwise (`part`
 * undefined) the scan goes on after it.
 */
function nextComputed(name: string, from: number): { part?: string; failing?: boolean; next: number } | undefined {
  const paren = name.indexOf('$(', from);
  const tick = name.indexOf('`', from);
  const expr = name.indexOf('${{', from);
  const brace = nextOperatedExpansion(name, from);
  const first = Math.min(...[paren, tick, expr, brace].filter((i) => i >= 0));
  if (!Number.isFinite(first)) return undefined;
  if (first === brace) {
    const close = name.indexOf('}', brace + 2);
    return { part: name.slice(brace, close < 0 ? name.length : close + 1), next: name.length };
  }
  if (first === paren) {
    const close = name.indexOf(')', paren + 2);
    return { part: name.slice(paren, close < 0 ? name.length : close + 1), next: name.length };
  }
  if (first === tick) {
    const close = name.indexOf('`', tick + 1);
    return { part: name.slice(tick, close < 0 ? name.length : close + 1), next: name.length };
  }
  const close = name.indexOf('}}', expr + 3);
  if (close < 0) return undefined;
  const inner = name.slice(expr + 3, close);
  const whole = name.slice(expr, close + 2);
  if (RUNTIME_CONTEXT.test(inner)) {
    // As `\$\{\{\s*(env|…)\.[^}]*\}\}` reads it: the reference runs to the first `}`, which must close the expression.
    const brace = name.indexOf('}', expr + 3);
    if (brace === close) return { part: whole, next: close + 2 };
  }
  if (expressionFails(inner)) return { part: whole, failing: true, next: close + 2 };
  return { next: expr + 3 };
}

const RUNTIME_CONTEXT = /^\s*(env|steps|needs|jobs)\./i;

/**
 * Where a `${…}` that computes starts: a shell expansion with an operator (`${GITHUB_REF#refs/*\/}`,
 * `${TAG//-/,}`, `${V:0:8}`) or a function call in HCL or a template (`${generate_tags("", "")}`). A plain
 * `${REGISTRY}`, or one with a default (`${REGISTRY:-ghcr.io/acme}`), is a configured name, not a computation.
 * -1 when there is none.
 */
function nextOperatedExpansion(name: string, from: number): number {
  for (let i = name.indexOf('${', from); i >= 0; i = name.indexOf('${', i + 2)) {
    if (name[i + 2] === '{') continue;
    let j = i + 2;
    while (j < name.length && /[A-Za-z0-9_]/.test(name[j]!)) j++;
    if (j === i + 2 || j >= name.length) continue;
    // `${X:-default}` / `${X-default}` are still the configured name (or its default); `${X:0:8}` is a substring.
    if (/[#%/^,(]/.test(name[j]!) || (name[j] === ':' && /[\d\s]/.test(name[j + 1] ?? ''))) return i;
  }
  return -1;
}
