/**
 * Just enough of Helm's template language to read policies shipped in charts: `.Values.a.b` lookups (with
 * `default`), and `if` blocks over values, evaluated against the chart's values.yaml. Everything else is blanked
 * line for line, so line numbers stay those of the template. This never renders arbitrary templates; what it
 * cannot resolve becomes a placeholder that no pattern or mode reader accepts.
 */

export const HELM_PLACEHOLDER = 'HELM_TEMPLATE_VALUE';

type Truth = boolean | undefined;

export function lookupValue(values: unknown, path: string): unknown {
  let cur: unknown = values;
  for (const part of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Resolves one action body (`.Values.x | default "y" | quote`) to a string, or undefined. */
export function resolveAction(body: string, values: unknown): string | undefined {
  const stages = body.split('|').map((s) => s.trim());
  const head = stages[0] ?? '';
  let value: unknown;
  const ref = /^\.Values\.([\w.-]+)$/.exec(head);
  if (ref) value = lookupValue(values, ref[1] ?? '');
  else if (/^"[^"]*"$/.test(head)) value = head.slice(1, -1);
  else return undefined;
  for (const stage of stages.slice(1)) {
    const def = /^default\s+(?:"([^"]*)"|([\w.-]+))$/.exec(stage);
    if (def) {
      if (value === undefined || value === null || value === '') value = def[1] ?? def[2];
      continue;
    }
    if (stage === 'quote' || stage === 'squote' || stage === 'toString' || stage === 'lower' || stage === 'upper') {
      if (stage === 'lower' && typeof value === 'string') value = value.toLowerCase();
      if (stage === 'upper' && typeof value === 'string') value = value.toUpperCase();
      continue;
    }
    return undefined;
  }
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return String(value);
}

function evaluateCondition(expr: string, values: unknown): Truth {
  const negated = /^not\s+/.test(expr);
  const body = expr.replace(/^not\s+/, '').trim();
  const ref = /^\.Values\.([\w.-]+)$/.exec(body);
  if (!ref) return undefined;
  const v = lookupValue(values, ref[1] ?? '');
  const truthy = !(v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0));
  return negated ? !truthy : truthy;
}

/**
 * Turns a chart template into parseable YAML with the same line count. `values` is the chart's values.yaml as
 * plain data (undefined when the chart has none).
 */
export interface DisabledBlock {
  /** 1-based lines of the block's body. */
  from: number;
  to: number;
  /** The condition as written (`.Values.x.enabled`). */
  condition: string;
  /** 1-based line of the `if`. */
  line: number;
}

/**
 * `disabled`, when given, receives the `if` blocks that the values switch off. With `takeDisabled`, those blocks
 * are emitted as if their condition held (and their `else` branches dropped), so that what a chart ships but does
 * not enable by default can be listed as not counted.
 */
export function preprocessHelmTemplate(text: string, values: unknown, opts: { disabled?: DisabledBlock[]; takeDisabled?: boolean } = {}): string {
  const lines = text.split('\n');
  // Each open block: whether its lines are emitted (false when an `if` is known to be false). `muted` counts the
  // blocks that do not emit, so a line asks one number, not the whole stack (ten thousand nested ifs).
  const stack: Array<{ emit: boolean; truth: Truth; isIf: boolean; block?: DisabledBlock }> = [];
  let muted = 0;
  const push = (entry: (typeof stack)[number]): void => {
    stack.push(entry);
    if (!entry.emit) muted++;
  };
  const setEmit = (entry: (typeof stack)[number], emit: boolean): void => {
    if (entry.emit !== emit) muted += emit ? -1 : 1;
    entry.emit = emit;
  };
  const out: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const only = soleAction(line);
    if (only !== undefined) {
      const action = only;
      const word = action.split(/\s+/)[0] ?? '';
      if (word === 'if') {
        const condition = action.slice(2).trim();
        const truth = evaluateCondition(condition, values);
        if (truth === false) {
          const block: DisabledBlock = { from: index + 2, to: index + 1, condition, line: index + 1 };
          opts.disabled?.push(block);
          push({ emit: opts.takeDisabled === true, truth: opts.takeDisabled ? true : truth, isIf: true, block });
        } else push({ emit: true, truth, isIf: true });
      } else if (word === 'with' || word === 'range' || word === 'define' || word === 'block') {
        // `define` bodies are helpers, never emitted as they stand.
        push({ emit: word !== 'define', truth: undefined, isIf: false });
      } else if (word === 'else') {
        const top = stack[stack.length - 1];
        if (top) {
          if (top.block && top.block.to < top.block.from) top.block.to = index;
          const elseIf = /^else\s+if\s+(.*)$/.exec(action);
          if (elseIf) {
            const truth = top.truth === true ? false : evaluateCondition(elseIf[1] ?? '', values);
            setEmit(top, truth !== false);
            top.truth = top.truth === true ? true : truth;
          } else {
            setEmit(top, top.truth !== true);
          }
        }
      } else if (word === 'end') {
        const top = stack.pop();
        if (top && !top.emit) muted--;
        if (top?.block && top.block.to < top.block.from) top.block.to = index;
      }
      out.push('');
      continue;
    }
    if (muted > 0) {
      out.push('');
      continue;
    }
    out.push(
      replaceActions(line, (body) => {
        const resolved = resolveAction(body, values);
        return resolved !== undefined && /^[\w.:/@*?+-]*$/.test(resolved) ? resolved : HELM_PLACEHOLDER;
      }),
    );
  }
  return out.join('\n');
}

/**
 * The body of an action written as `{{ … }}` or `{{- … -}}`, without the trim markers and the blanks inside them
 * (what `\{\{-?\s*(.*?)\s*-?\}\}` captures). Scanned by hand: that pattern, tried at every `{{` of a long line
 * without `}}`, was quadratic (and cubic with the line anchors).
 */
function actionBody(inner: string): string {
  let start = 0;
  let end = inner.length;
  if (inner[start] === '-') start++;
  while (start < end && isBlank(inner[start]!)) start++;
  if (end > start && inner[end - 1] === '-') end--;
  while (end > start && isBlank(inner[end - 1]!)) end--;
  return inner.slice(start, end);
}

function isBlank(ch: string): boolean {
  return /\s/.test(ch);
}

/**
 * The action when the line is one action and blanks (`  {{- if .Values.x }}`), else undefined. Like
 * `^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$` on a line where no `{{` follows a `}}`: the body runs to the last `}}`.
 */
function soleAction(line: string): string | undefined {
  const t = line.trim();
  if (t.length < 4 || !t.startsWith('{{') || !t.endsWith('}}')) return undefined;
  const firstClose = t.indexOf('}}', 2);
  if (t.indexOf('{{', firstClose + 2) >= 0) return undefined;
  return actionBody(t.slice(2, t.length - 2));
}

/**
 * Every `{{ … }}` of a line replaced by `replace(body)`, left to right, each closed by the first `}}` after it.
 * A `{{` with no `}}` after it ends the scan: no later `{{` can close either.
 */
function replaceActions(line: string, replace: (body: string) => string): string {
  if (!line.includes('{{')) return line;
  let out = '';
  let pos = 0;
  for (;;) {
    const open = line.indexOf('{{', pos);
    if (open < 0) break;
    const close = line.indexOf('}}', open + 2);
    if (close < 0) break;
    out += line.slice(pos, open) + replace(actionBody(line.slice(open + 2, close)));
    pos = close + 2;
  }
  return out + line.slice(pos);
}
