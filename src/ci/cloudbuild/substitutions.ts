/**
 * Cloud Build's own substitutions (https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values),
 * applied before any shell sees a step: `$KEY` and `${KEY}` with KEY `[A-Z_][A-Z0-9_]*`, `$$` for a literal `$`
 * (the same scanner as Cloud Build's own local builder, GoogleCloudPlatform/cloud-build-local subst/subst.go). They
 * apply to a step's `name`, `args`, `env`, `dir` and `entrypoint` and to `images`; not to `script:` (scripts get
 * substitutions only as environment variables, with `automapSubstitutions`).
 *
 * What the file can show:
 * - user-defined substitutions (`_FOO`) with a default in `substitutions:` take that default. A trigger or
 *   `gcloud builds submit --substitutions` may override it, as GitLab's project variables may override `variables:`;
 *   the file's value is the one the build documents, as the GitLab reader reads `variables:`.
 * - every other key — the built-ins (`$PROJECT_ID`, `$COMMIT_SHA`, `$SHORT_SHA`, `$TAG_NAME`, `$BRANCH_NAME`,
 *   `$REPO_NAME`, `$LOCATION`, …, known only when the build runs) and `_FOO` without a default (set by the trigger)
 *   — is unknown, and stays a reference (`$PROJECT_ID`, however it was braced): the engine's unknown form
 *   (src/logic/value.ts), never a made-up literal. A key that is neither built-in nor user-defined makes Cloud Build reject the build (or become
 *   empty with `substitutionOption: ALLOW_LOOSE`); it stays a reference too, so it can only be unknown.
 * - substitution values may name other substitutions (dynamic substitutions, always on for triggered builds):
 *   expanded, bounded.
 */

/** Built-in substitutions (the page above); run-time values, never known here. */
export const BUILTIN_SUBSTITUTIONS: ReadonlySet<string> = new Set([
  'PROJECT_ID',
  'BUILD_ID',
  'PROJECT_NUMBER',
  'LOCATION',
  'TRIGGER_NAME',
  'COMMIT_SHA',
  'REVISION_ID',
  'SHORT_SHA',
  'REPO_NAME',
  'REPO_FULL_NAME',
  'BRANCH_NAME',
  'TAG_NAME',
  'REF_NAME',
  'TRIGGER_BUILD_CONFIG_PATH',
  'SERVICE_ACCOUNT_EMAIL',
  'SERVICE_ACCOUNT',
  // Pull-request triggers of GitHub repositories.
  '_HEAD_BRANCH',
  '_BASE_BRANCH',
  '_HEAD_REPO_URL',
  '_PR_NUMBER',
]);

const KEY = /[A-Z_][A-Z0-9_]*/y;
/** Rounds of expansion of substitution values that name other substitutions. */
const MAX_ROUNDS = 8;
/** A substituted text longer than this is not expanded further (values nest; the input is untrusted). */
export const MAX_SUBSTITUTED_LENGTH = 64 * 1024;

export interface Substitutions {
  /** Known values by key (user-defined defaults, already expanded). */
  readonly known: ReadonlyMap<string, string>;
}

/**
 * The substitutions a build config defines: `substitutions:` entries with string values. Values that name other
 * substitutions are expanded (a value naming an unknown keeps it as written).
 */
export function buildSubstitutions(defaults: ReadonlyArray<[string, string]>): Substitutions {
  const raw = new Map<string, string>();
  for (const [k, v] of defaults) if (!BUILTIN_SUBSTITUTIONS.has(k)) raw.set(k, v);
  const known = new Map<string, string>();
  for (const [k, v] of raw) {
    let text = v;
    for (let i = 0; i < MAX_ROUNDS && text.includes('$'); i++) {
      const next = substituteOnce(text, raw, new Set([k]));
      if (next === text || next.length > MAX_SUBSTITUTED_LENGTH) break;
      text = next;
    }
    known.set(k, text);
  }
  return { known };
}

/** Keys the text names as substitutions (not `$$` escapes), in order, each once. */
export function substitutionKeys(text: string): string[] {
  const out = new Set<string>();
  scan(text, (key) => {
    out.add(key);
    return undefined;
  });
  return [...out];
}

/**
 * `text` as Cloud Build substitutes it: known keys replaced, unknown ones kept (as `$KEY`), `$$` made `$`. A result
 * longer than MAX_SUBSTITUTED_LENGTH (values repeated many times) is unknown as a whole, never a truncated text.
 */
export function substitute(text: string, subs: Substitutions): string {
  const out = substituteOnce(text, subs.known, new Set());
  return out.length > MAX_SUBSTITUTED_LENGTH ? `$(substituted text over ${MAX_SUBSTITUTED_LENGTH} characters)` : out;
}

function substituteOnce(text: string, values: ReadonlyMap<string, string>, skip: ReadonlySet<string>): string {
  if (!text.includes('$')) return text;
  return scan(text, (key) => (skip.has(key) ? undefined : values.get(key)));
}

/**
 * One pass of Cloud Build's scanner over `text`: `$$` becomes `$`, `$KEY`/`${KEY}` becomes `value(KEY)` when that
 * is defined and stays unknown otherwise, written `$KEY` (so `gcr.io/${PROJECT_ID}/a` and `gcr.io/$PROJECT_ID/a` are
 * one name), braced only when the next character would run into the name, so a shell reading the text later sees
 * the same name.
 */
function scan(text: string, value: (key: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      const next = text.indexOf('$', i);
      const end = next < 0 ? text.length : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const braced = text[i + 1] === '{';
    KEY.lastIndex = i + (braced ? 2 : 1);
    const m = KEY.exec(text);
    if (!m || (braced && text[KEY.lastIndex] !== '}')) {
      out += '$';
      i++;
      continue;
    }
    const key = m[0];
    const end = KEY.lastIndex + (braced ? 1 : 0);
    const v = value(key);
    if (out.length > MAX_SUBSTITUTED_LENGTH) return out;
    if (v !== undefined) out += v;
    else out += /[A-Za-z0-9_]/.test(text[end] ?? '') ? `\${${key}}` : `$${key}`;
    i = end;
  }
  return out;
}
