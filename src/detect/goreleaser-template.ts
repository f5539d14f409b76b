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
}

const PROJECT_NAME = /\{\{-?\s*\.ProjectName\s*-?\}\}/g;
const ENV_VAR = /\{\{-?\s*\.Env\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g;
const ENV_INDEX = /\{\{-?\s*index\s+\.Env\s+"([A-Za-z_][A-Za-z0-9_]*)"\s*-?\}\}/g;
const VAR = /\{\{-?\s*\.Var\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g;
/** `{{ envOrDefault "X" "fallback" }}` */
const ENV_OR_DEFAULT = /\{\{-?\s*envOrDefault\s+"([A-Za-z_][A-Za-z0-9_]*)"\s+"([^"]*)"\s*-?\}\}/g;

export function renderTemplate(text: string, values: TemplateValues): string {
  if (!text.includes('{{')) return text;
  let out = text;
  if (values.projectName !== undefined) out = out.replace(PROJECT_NAME, values.projectName);
  out = out.replace(ENV_VAR, (m, name: string) => usableEnv(values.env[name]) ?? m);
  out = out.replace(ENV_INDEX, (m, name: string) => usableEnv(values.env[name]) ?? m);
  if (values.vars) out = out.replace(VAR, (m, name: string) => usableEnv(values.vars?.[name]) ?? m);
  out = out.replace(ENV_OR_DEFAULT, (_m, name: string, fallback: string) => usableEnv(values.env[name]) ?? fallback);
  return out;
}

/** An env value that is empty cannot stand in for a name part; keep the template visible instead. */
function usableEnv(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' ? v : undefined;
}

/** goreleaser's `env:` list (`KEY=value`, values may use templates themselves). */
export function configEnv(entries: string[], base: Record<string, string>): Record<string, string> {
  const env = { ...base };
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq).trim();
    env[key] = renderTemplate(entry.slice(eq + 1), { env });
  }
  return env;
}
