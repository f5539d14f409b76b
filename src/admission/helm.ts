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
  // Each open block: whether its lines are emitted (false when an `if` is known to be false).
  const stack: Array<{ emit: boolean; truth: Truth; isIf: boolean; block?: DisabledBlock }> = [];
  const emitting = (): boolean => stack.every((s) => s.emit);
  const out: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const only = /^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$/.exec(line);
    if (only && !/\}\}.*\{\{/.test(line)) {
      const action = (only[1] ?? '').trim();
      const word = action.split(/\s+/)[0] ?? '';
      if (word === 'if') {
        const condition = action.slice(2).trim();
        const truth = evaluateCondition(condition, values);
        if (truth === false) {
          const block: DisabledBlock = { from: index + 2, to: index + 1, condition, line: index + 1 };
          opts.disabled?.push(block);
          stack.push({ emit: opts.takeDisabled === true, truth: opts.takeDisabled ? true : truth, isIf: true, block });
        } else stack.push({ emit: true, truth, isIf: true });
      } else if (word === 'with' || word === 'range' || word === 'define' || word === 'block') {
        // `define` bodies are helpers, never emitted as they stand.
        stack.push({ emit: word !== 'define', truth: undefined, isIf: false });
      } else if (word === 'else') {
        const top = stack[stack.length - 1];
        if (top) {
          if (top.block && top.block.to < top.block.from) top.block.to = index;
          const elseIf = /^else\s+if\s+(.*)$/.exec(action);
          if (elseIf) {
            const truth = top.truth === true ? false : evaluateCondition(elseIf[1] ?? '', values);
            top.emit = truth !== false;
            top.truth = top.truth === true ? true : truth;
          } else {
            top.emit = top.truth !== true;
          }
        }
      } else if (word === 'end') {
        const top = stack.pop();
        if (top?.block && top.block.to < top.block.from) top.block.to = index;
      }
      out.push('');
      continue;
    }
    if (!emitting()) {
      out.push('');
      continue;
    }
    out.push(
      line.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, body: string) => {
        const resolved = resolveAction(body, values);
        return resolved !== undefined && /^[\w.:/@*?+-]*$/.test(resolved) ? resolved : HELM_PLACEHOLDER;
      }),
    );
  }
  return out.join('\n');
}
