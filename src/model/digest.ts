import type { Location } from './location.js';
import { parseImageRef } from './image-ref.js';
import type { ImageRef } from './pipeline.js';

/**
 * Where a digest comes from. A digest is a run-time value: its text stays unknown, but the engine can often say
 * which push produced it, and only then may a signature of `name@<digest>` count for that push.
 *
 * The provenance travels inside the value's text, in the value domain every reader already shares
 * (src/logic/value.ts): an unknown part written the way run-time text is written everywhere else (`$(…)`), so it
 * passes through shell variables, files, `$GITHUB_OUTPUT`, step and job outputs, make command-line variables
 * and conditional alternatives unchanged, and is never mistaken for a literal.
 *
 * - `$(digest-of-push:<file>:<line>)` — what the push at that place produced (ko's stdout, `--image-refs`,
 *   `--digestfile`, `--metadata-file`, `--iidfile`).
 * - `$(digest-of:<reference>)` — what `<reference>` pointed to when it was resolved (`crane digest REF`,
 *   `docker buildx imagetools inspect REF`, `docker inspect --format '{{index .RepoDigests 0}}'`).
 * - `${{ steps.<id>.outputs.digest }}` — the digest output of a push step (docker/build-push-action & co.).
 *
 * Anything else — `$DIGEST` never assigned, `${{ secrets.X }}`, `$(cat file-nobody-wrote)`, a literal
 * `sha256:…` — cannot be traced to a push.
 */

const PUSH_PREFIX = '$(digest-of-push:';
/**
 * What a push command prints, with its digest inside: `$(output-of-push:<kind>:<digest text>)`. It is not a digest:
 * a signature of `name@<whole output>` signs nothing, so digestSources never looks inside it. Only a filter that
 * extracts the digest from that output (src/shell/digest-filters.ts) turns it into the digest text.
 * - `docker-push`: docker push's progress, then `<tag>: digest: sha256:… size: N` (standard output).
 * - `imagetools-create`: `docker buildx imagetools create`'s progress (standard error): `copying sha256:… from …`
 *   for each source in another repository, then `pushing sha256:… to <tag>` for each tag, the new manifest last.
 * - `imagetools-digests`: the `sha256:…` digests grep took from that progress, in order: the last one is the push's.
 */
export const OUTPUT_PREFIX = '$(output-of-push:';
export type PushOutputKind = 'docker-push' | 'imagetools-create' | 'imagetools-digests';

/** The output text of `kind` whose digest is `digestText` (THIS_PUSH_DIGEST in a classifier). */
export function pushOutputText(kind: PushOutputKind, digestText: string): string {
  return `${OUTPUT_PREFIX}${kind}:${digestText})`;
}

/** The kind and digest text of a whole output token, or undefined. */
export function parsePushOutput(text: string): { kind: PushOutputKind; digest: string } | undefined {
  const t = text.trim();
  if (!isWholeToken(t, OUTPUT_PREFIX)) return undefined;
  const m = /^(docker-push|imagetools-create|imagetools-digests):([\s\S]*)$/.exec(t.slice(OUTPUT_PREFIX.length, -1));
  return m ? { kind: m[1] as PushOutputKind, digest: m[2]! } : undefined;
}

/** `d` without any output token (the digests inside one are not what `d` is). */
function withoutOutputs(d: string): string {
  if (!d.includes(OUTPUT_PREFIX)) return d;
  let out = '';
  let pos = 0;
  for (let i = d.indexOf(OUTPUT_PREFIX); i >= 0; i = d.indexOf(OUTPUT_PREFIX, pos)) {
    const end = tokenEnd(d, i);
    out += d.slice(pos, i);
    pos = end < 0 ? d.length : end;
    if (end < 0) break;
  }
  return out + d.slice(pos);
}
const REF_PREFIX = '$(digest-of:';

/** The digest text for what the push at `location` produced. */
export function pushDigestText(location: Location): string {
  return `${PUSH_PREFIX}${escapePath(location.file)}:${location.line})`;
}

/** The digest text for what `reference` (name with tag) pointed to when it was resolved. */
export function resolvedDigestText(reference: string): string {
  return `${REF_PREFIX}${reference.trim()})`;
}

/** File paths may hold characters that would end the `$(…)` part or split a word. */
function escapePath(file: string): string {
  return file.replace(/[%()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export type DigestSource =
  /** The digest output of the push step with this id (in the signing job, or a job it waits for). */
  | { kind: 'step'; step: string }
  /** What the push whose `digestText` is `text` produced. */
  | { kind: 'push'; text: string }
  /** What this reference pointed to when resolved (`text`: the whole digest text). */
  | { kind: 'reference'; ref: ImageRef; text: string }
  /** A fixed `sha256:…`: some image, not what a push of this run made. */
  | { kind: 'literal' }
  | { kind: 'unknown' };

const STEP_DIGEST = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.digest\s*\}\}$/;
const LITERAL = /^sha(256|384|512):[0-9a-f]{32,128}$/i;
const STEP_DIGEST_INSIDE = /steps\.([\w-]+)\.outputs\.digest\b/g;

/**
 * The sources a digest part may come from. A digest that holds alternatives (a conditional expression written by
 * the workflow reader, `${{ (c) && ('…') || … }}`) has one source per traceable alternative; a text that names no
 * traceable source at all is `unknown`.
 */
export function digestSources(digest: string): DigestSource[] {
  const d = withoutOutputs(digest).trim();
  if (!d) return [{ kind: 'unknown' }];
  if (LITERAL.test(d)) return [{ kind: 'literal' }];
  const step = STEP_DIGEST.exec(d);
  if (step) return [{ kind: 'step', step: step[1]! }];
  if (isWholeToken(d, PUSH_PREFIX)) return [{ kind: 'push', text: d }];
  if (isWholeToken(d, REF_PREFIX)) return [{ kind: 'reference', ref: parseImageRef(d.slice(REF_PREFIX.length, -1)), text: d }];
  // Alternatives (or a digest wrapped in other text): every token inside, each a possible source.
  const found: DigestSource[] = [];
  for (const t of tokensIn(d, PUSH_PREFIX)) found.push({ kind: 'push', text: t });
  for (const t of tokensIn(d, REF_PREFIX)) found.push({ kind: 'reference', ref: parseImageRef(t.slice(REF_PREFIX.length, -1)), text: t });
  if (d.startsWith('${{')) for (const m of d.matchAll(STEP_DIGEST_INSIDE)) found.push({ kind: 'step', step: m[1]! });
  return found.length > 0 ? found : [{ kind: 'unknown' }];
}

/** A digest text in words, for messages: `the digest the push at x.yml:12 produced`, `the digest of ghcr.io/a:1`. */
export function describeDigest(digest: string): string {
  const d = digest.trim();
  const output = parsePushOutput(d);
  if (output) return `the whole output of a push (${output.kind}), not a digest taken from it`;
  if (isWholeToken(d, PUSH_PREFIX)) return `the digest the push at ${d.slice(PUSH_PREFIX.length, -1).replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))} produced`;
  if (isWholeToken(d, REF_PREFIX)) return `the digest ${d.slice(REF_PREFIX.length, -1)} pointed to`;
  return d;
}

/** Whether a digest text can name the push it came from (some source is not unknown or literal). */
export function isTraceableDigest(digest: string): boolean {
  return digestSources(digest).some((s) => s.kind !== 'unknown' && s.kind !== 'literal');
}

/**
 * Whether a text is wholly a digest a push produced or a reference resolved to: never empty where it is the value
 * (the push ran, and its digest was taken from what it printed or wrote), so `env.DIGEST != ''` holds there.
 */
export function isWholeDigest(text: string): boolean {
  const d = text.trim();
  return isWholeToken(d, PUSH_PREFIX) || isWholeToken(d, REF_PREFIX);
}

function isWholeToken(d: string, prefix: string): boolean {
  return d.startsWith(prefix) && tokenEnd(d, 0) === d.length;
}

/** End (exclusive) of the `$(…)` token starting at `start`, nesting-aware; -1 when unbalanced. */
function tokenEnd(d: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < d.length; i++) {
    if (d[i] === '(') depth++;
    else if (d[i] === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function tokensIn(d: string, prefix: string): string[] {
  const out: string[] = [];
  for (let i = d.indexOf(prefix); i >= 0; i = d.indexOf(prefix, i + 1)) {
    const end = tokenEnd(d, i);
    if (end > 0) out.push(d.slice(i, end));
  }
  return [...new Set(out)];
}

/**
 * A placeholder a command classifier writes where "the digest of the push this command makes" goes (in its
 * standard output or a file it writes); the shell replaces it with that push's digest text once the push has a
 * location. Private-use code points: never in real input.
 */
export const THIS_PUSH_DIGEST = '\uE010digest\uE011';

/**
 * Key marking a JSON object a classifier wrote with only some of the real fields (`--metadata-file`, `skopeo
 * inspect`): jq reads the fields present and leaves any other field unknown rather than `null`.
 */
export const PARTIAL_JSON = '\uE012partial';

export function withPushDigest(text: string, digestText: string): string {
  return text.includes(THIS_PUSH_DIGEST) ? text.split(THIS_PUSH_DIGEST).join(digestText) : text;
}
