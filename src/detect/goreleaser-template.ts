import type { Location } from '../model/location.js';
import { DEFAULT_BUDGET_LIMITS, type AnalysisBudget } from '../util/budget.js';

/**
 * The part of goreleaser's Go templates that decides image names: `{{ .ProjectName }}`, `{{ .Env.X }}` and
 * (Pro) `{{ .Var.x }}`.
 * Everything else (`{{ .Tag }}`, `{{ .Version }}`, conditionals) is a per-release value and stays as written.
 */
export interface TemplateValues {
  projectName?: string;
  env: Record<string, string>;
  /** goreleaser Pro `variables:` (`{{ .Var.name }}`). */
  vars?: Record<string, string>;
  /**
   * Environment names whose value is unknown: an `env:` entry built a value longer than the run's cap. Their
   * templates stay as written (never the cut-down text, never `envOrDefault`'s fallback).
   */
  unknownEnv?: Set<string>;
}

/** Where a template is rendered: the run's budget, and the config file:line the text is at (for a hit there). */
export interface RenderPlace {
  budget: AnalysisBudget;
  location: Location;
}

/**
 * One pass over every action the renderer knows; what it substitutes is never scanned again (Go templates do not
 * re-read their output). Groups: 1 `.Env.X`, 2 `index .Env "X"`, 3 `.Var.x`, 4–5 `envOrDefault "X" "fallback"`;
 * none: `.ProjectName`.
 */
const ACTION =
  /\{\{-?\s*(?:\.ProjectName|\.Env\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\.Env\s+"([A-Za-z_][A-Za-z0-9_]*)"|\.Var\.([A-Za-z_][A-Za-z0-9_]*)|envOrDefault\s+"([A-Za-z_][A-Za-z0-9_]*)"\s+"([^"]*)")\s*-?\}\}/g;

interface Rendered {
  text: string;
  /** A name whose value is unknown was referenced (its template kept as written). */
  unknown: boolean;
}

function render(text: string, values: TemplateValues, place: RenderPlace | undefined): Rendered | 'too long' {
  if (!text.includes('{{')) return { text, unknown: false };
  const fits = (n: number): boolean => (place ? place.budget.fitsValue(n) : n <= DEFAULT_BUDGET_LIMITS.valueLength);
  const parts: string[] = [];
  let length = 0;
  let last = 0;
  let unknown = false;
  for (const m of text.matchAll(ACTION)) {
    const [whole, env, indexed, variable, defaulted, fallback] = m;
    let value: string | undefined;
    if (env !== undefined || indexed !== undefined || defaulted !== undefined) {
      const name = (env ?? indexed ?? defaulted)!;
      if (values.unknownEnv?.has(name)) unknown = true;
      else value = usableEnv(values.env[name]) ?? (defaulted !== undefined ? fallback : undefined);
    } else if (variable !== undefined) {
      value = values.vars ? usableEnv(values.vars[variable]) : undefined;
    } else {
      value = values.projectName;
    }
    const piece = text.slice(last, m.index) + (value ?? whole);
    length += piece.length;
    if (!fits(length)) return 'too long';
    parts.push(piece);
    last = m.index + whole.length;
  }
  parts.push(text.slice(last));
  length += text.length - last;
  if (!fits(length)) return 'too long';
  place?.budget.charge(length);
  return { text: parts.join(''), unknown };
}

/**
 * Renders the known actions of `text`. A result longer than the run's cap is unknown: the text comes back as
 * written (its templates unresolved, as for any per-release value) and the cap is a hit at `place`.
 */
export function renderTemplate(text: string, values: TemplateValues, place?: RenderPlace): string {
  const r = render(text, values, place);
  if (r !== 'too long') return r.text;
  place?.budget.hit('value-length', 'goreleaser template', place.location);
  return text;
}

/** An env value that is empty cannot stand in for a name part; keep the template visible instead. */
function usableEnv(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' ? v : undefined;
}

export interface ConfigEnvEntry {
  /** `KEY=value`, the value possibly a template itself. */
  text: string;
  location?: Location;
}

/**
 * goreleaser's `env:` list (`KEY=value`, values may use templates themselves), in order. An entry whose value
 * would pass the run's cap (`A={{ .Env.A }}{{ .Env.A }}` forty times) makes the name unknown from there on, with a
 * value-length hit at the entry; a value built from an unknown name is unknown too.
 */
export function configEnv(
  entries: Array<string | ConfigEnvEntry>,
  base: Record<string, string>,
  budget?: AnalysisBudget,
  baseUnknown?: ReadonlySet<string>,
): { env: Record<string, string>; unknownEnv: Set<string> } {
  const env = { ...base };
  const unknownEnv = new Set<string>(baseUnknown);
  for (const item of entries) {
    const entry = typeof item === 'string' ? { text: item } : item;
    const eq = entry.text.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.text.slice(0, eq).trim();
    const place = budget && entry.location ? { budget, location: entry.location } : undefined;
    const r = render(entry.text.slice(eq + 1), { env, unknownEnv }, place);
    if (r === 'too long' || r.unknown) {
      if (r === 'too long') place?.budget.hit('value-length', `goreleaser env ${key}`, place.location);
      delete env[key];
      unknownEnv.add(key);
      continue;
    }
    unknownEnv.delete(key);
    env[key] = r.text;
  }
  return { env, unknownEnv };
}
