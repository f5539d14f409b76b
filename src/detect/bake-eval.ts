import type { Location } from '../model/location.js';
import { AnalysisBudget } from '../util/budget.js';
import type { BakeDefinition } from './bake-files.js';
import type { HclValue } from './hcl.js';

/**
 * Evaluates the parts of bake expressions that decide image names: `${VAR}` interpolation (variable defaults,
 * environment overrides), user `function` calls, and `${VAR:-default}` in compose files. Anything else stays as
 * written so the name shows it unresolved.
 */
export class BakeEvaluator {
  private readonly cache = new Map<string, string | string[] | undefined>();
  private readonly active = new Set<string>();
  /** Set when an interpolation passed the run's value cap; the variable being evaluated records the hit. */
  private overLength = false;

  /**
   * `budget`: the run's; interpolated text is charged to it and no value may pass its cap (a longer one is
   * unknown: kept as written). `at`: where bake runs, for a hit outside any variable.
   */
  constructor(
    private readonly def: BakeDefinition,
    private readonly env: Record<string, string>,
    private readonly budget: AnalysisBudget = new AnalysisBudget(),
    private readonly at?: Location,
  ) {}

  /** Strings of a value (a list flattens; a single string is a one-item list). Unresolvable parts stay as written. */
  strings(value: HclValue | undefined, scope: Record<string, string> = {}, depth = 0): Array<{ text: string; line: number }> {
    if (!value || depth > 16) return [];
    if (value.kind === 'list') return value.items.flatMap((i) => this.strings(i, scope, depth + 1));
    if (value.kind === 'object') return [];
    const v = this.evaluate(value, scope, depth);
    if (this.overLength) {
      this.overLength = false;
      this.budget.hit('value-length', 'bake value', this.at);
    }
    if (v === undefined) return value.text ? [{ text: value.kind === 'expr' ? `\${${value.text}}` : value.text, line: value.line }] : [];
    return (Array.isArray(v) ? v : [v]).map((text) => ({ text, line: value.line }));
  }

  evaluate(value: HclValue, scope: Record<string, string>, depth: number): string | string[] | undefined {
    if (depth > 16) return undefined;
    switch (value.kind) {
      case 'string':
        return this.interpolate(value.text, scope, depth);
      case 'list':
        return value.items.flatMap((i) => {
          const v = this.evaluate(i, scope, depth + 1);
          return v === undefined ? [] : Array.isArray(v) ? v : [v];
        });
      case 'object':
        return undefined;
      case 'expr':
        return this.expression(value.text, scope, depth);
    }
  }

  /** `${…}` parts substituted; undefined when the result would pass the run's value cap (then it is unknown). */
  interpolate(text: string, scope: Record<string, string>, depth: number): string | undefined {
    if (!text.includes('${')) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) {
        out += text.slice(i);
        break;
      }
      // `$${` is HCL's escape for a literal `${`.
      if (start > 0 && text[start - 1] === '$') {
        out += text.slice(i, start + 2);
        i = start + 2;
        continue;
      }
      out += text.slice(i, start);
      const end = matchingBrace(text, start + 1);
      if (end < 0) {
        out += text.slice(start);
        break;
      }
      const inner = text.slice(start + 2, end);
      const v = this.expression(inner, scope, depth + 1);
      out += typeof v === 'string' ? v : text.slice(start, end + 1);
      i = end + 1;
      if (!this.budget.fitsValue(out.length)) {
        this.overLength = true;
        return undefined;
      }
    }
    this.budget.charge(out.length);
    return out;
  }

  private expression(raw: string, scope: Record<string, string>, depth: number): string | string[] | undefined {
    const text = raw.trim();
    if (depth > 16) return undefined;
    const str = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
    if (str) return this.interpolate((str[1] ?? '').replace(/\\(.)/g, '$1'), scope, depth + 1);
    // Compose-style `${VAR:-default}` / `${VAR-default}`.
    const compose = /^([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)$/s.exec(text);
    if (compose?.[1]) {
      const v = this.variable(compose[1], scope, depth);
      if (compose[2] === ':-' ? v !== undefined && v !== '' : v !== undefined) return v;
      return compose[3] ?? '';
    }
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) {
      if (text === 'true' || text === 'false') return text;
      return this.variable(text, scope, depth);
    }
    if (/^-?\d+(\.\d+)?$/.test(text)) return text;
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(text);
    if (call?.[1]) return this.call(call[1], splitArgs(call[2] ?? ''), scope, depth);
    return undefined;
  }

  private variable(name: string, scope: Record<string, string>, depth: number): string | undefined {
    if (name in scope) return scope[name];
    // An environment variable overrides the variable's default, as bake does (compose files read it directly).
    const declared = this.def.variables.get(name);
    if (name in this.env) return this.env[name];
    if (!declared) return undefined;
    if (this.cache.has(name)) {
      const c = this.cache.get(name);
      return typeof c === 'string' ? c : undefined;
    }
    if (this.active.has(name)) return undefined;
    this.active.add(name);
    const outer = this.overLength;
    this.overLength = false;
    const v = declared.value.kind === 'expr' && declared.value.text === '' ? undefined : this.evaluate(declared.value, {}, depth + 1);
    if (this.overLength) {
      // The innermost variable that became too long is where the hit is; it stays unknown (as written) above it.
      this.budget.hit('value-length', `bake variable ${name}`, { file: declared.file, line: declared.value.line });
    }
    this.overLength = outer;
    this.active.delete(name);
    this.cache.set(name, v);
    return typeof v === 'string' ? v : undefined;
  }

  private call(name: string, args: string[], scope: Record<string, string>, depth: number): string | string[] | undefined {
    const values = args.map((a) => this.expression(a, scope, depth + 1));
    const fn = this.def.functions.get(name);
    if (fn) {
      const local: Record<string, string> = {};
      for (let i = 0; i < fn.params.length; i++) {
        const v = values[i];
        const p = fn.params[i];
        if (p === undefined) continue;
        if (typeof v !== 'string') return undefined;
        local[p] = v;
      }
      return this.evaluate(fn.result, local, depth + 1);
    }
    const all = values.every((v): v is string => typeof v === 'string');
    switch (name) {
      case 'lower':
        return all && values[0] !== undefined ? values[0].toLowerCase() : undefined;
      case 'upper':
        return all && values[0] !== undefined ? values[0].toUpperCase() : undefined;
      case 'trimprefix':
        return all && values.length === 2 && values[0]!.startsWith(values[1]!) ? values[0]!.slice(values[1]!.length) : all ? values[0] : undefined;
      case 'trimsuffix':
        return all && values.length === 2 && values[0]!.endsWith(values[1]!) ? values[0]!.slice(0, -values[1]!.length || undefined) : all ? values[0] : undefined;
      default:
        return undefined;
    }
  }
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits call arguments at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (s.slice(start).trim()) out.push(s.slice(start));
  return out;
}
