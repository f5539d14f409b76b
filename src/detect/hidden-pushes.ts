import { classifyCommand, isKnownTool, toolFromCommandWord } from './commands/index.js';
import type { Arg, CommandEffect } from './commands/index.js';
import { NOT_INSPECTED_PREFIX, UNPARSED_SUFFIX } from '../model/pipeline.js';
import type { Location } from '../model/location.js';
import type { OpContext, PushOp } from '../model/pipeline.js';

/**
 * What a file the analysis could not parse may hide. A script, Makefile or workflow that does not parse is not
 * analysed, so a push in it would vanish and the verdict could pass (or be "nothing pushed") while the file really
 * pushes. This is a bounded, conservative lexical scan of the unparsed text for command lines of image tools,
 * classified by the same command classifiers the interpreter uses (src/detect/commands), so the finding can say
 * which push it may hide and the verdict can fail closed for it.
 *
 * It only ever adds suspicion: a hidden push becomes a low-confidence "not inspected" image (it fails the
 * verdict), a hidden signature is only named (it is never credited, since nothing says it runs).
 */

export interface HiddenCommand {
  kind: 'push' | 'sign';
  /** The command as written (shortened). */
  text: string;
  /** 1-based line within the scanned text. */
  line: number;
}

/** Bounds: the scan reads at most this much text and reports at most this many commands. */
const MAX_SCAN_CHARS = 256 * 1024;
const MAX_LINE_CHARS = 4096;
const MAX_HIDDEN = 20;
const MAX_SHOWN_TEXT = 120;

/** Words that end one command and start another on the same line (braces stay: `${X}` is a word). */
const SEPARATORS = /&&|\|\||[;|&()`]|\$\(|\bthen\b|\bdo\b|\belse\b/g;
/** Wrappers and keywords before the command word. */
const WRAPPERS = new Set(['sudo', 'env', 'time', 'exec', 'command', 'nohup', 'xargs', 'if', 'while', 'until', '!', 'eval', '{', '}']);

/**
 * Push and sign commands of image tools in `text` (a shell script, Makefile recipe lines, or a workflow's raw
 * text), by line. Comment lines are skipped; everything else is read as if it were a command line.
 */
export function scanHiddenCommands(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const seen = new Set<string>();
  const lines = text.slice(0, MAX_SCAN_CHARS).split('\n');
  for (let i = 0; i < lines.length && out.length < MAX_HIDDEN; i++) {
    const raw = lines[i]!.slice(0, MAX_LINE_CHARS);
    // YAML `- run: cmd` / `script: cmd`, Makefile recipe prefixes (`\t@-+`): the command starts after them.
    const line = raw.replace(/^\s*(-\s+)?([\w-]+:\s+)?/, '').replace(/^[@+-]+/, '');
    if (/^\s*#/.test(line) || !line.trim()) continue;
    for (const segment of line.split(SEPARATORS)) {
      const found = classifySegment(segment);
      if (!found) continue;
      const key = `${found.kind}\u0000${found.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...found, line: i + 1 });
      if (out.length >= MAX_HIDDEN) break;
    }
  }
  return out;
}

function classifySegment(segment: string): Omit<HiddenCommand, 'line'> | undefined {
  const words = segment.trim().split(/\s+/).map(unquote).filter(Boolean);
  let k = 0;
  while (k < words.length && (WRAPPERS.has(words[k]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!) || words[k]!.startsWith('-'))) k++;
  const command = words[k];
  if (command === undefined || /[$`]/.test(command)) return undefined;
  const tool = toolFromCommandWord(command);
  if (!tool || !isKnownTool(tool)) return undefined;
  const args: Arg[] = words.slice(k + 1).map((w) => ({ text: w, dynamic: /^\$/.test(w) }));
  let effects: CommandEffect[];
  try {
    effects = classifyCommand({ tool, args, lookup: () => undefined, isSecretFile: () => false });
  } catch {
    // A classifier must never fail on odd text; if one did, the command still may push.
    effects = [{ kind: 'push', tool, refs: [] }];
  }
  const text = shorten([command, ...words.slice(k + 1)].join(' '));
  if (effects.some((e) => (e.kind === 'push' && !e.artifact) || e.kind === 'bake' || (e.kind === 'goreleaser' && mayPublish(e.args)))) return { kind: 'push', text };
  if (effects.some((e) => e.kind === 'sign')) return { kind: 'sign', text };
  return undefined;
}

/** goreleaser publishes unless told not to (`--snapshot`, `--skip=publish`, `build`, `check`). */
function mayPublish(args: string[]): boolean {
  const sub = args.find((a) => !a.startsWith('-'));
  if (sub !== undefined && sub !== 'release' && sub !== 'publish' && sub !== 'continue') return false;
  return !args.some((a) => a === '--snapshot' || /^--skip[-=]?publish/.test(a) || (/^--skip=/.test(a) && a.includes('publish')));
}

function unquote(w: string): string {
  return w.replace(/^['"]+|['"\\]+$/g, '');
}

function shorten(t: string): string {
  return t.length > MAX_SHOWN_TEXT ? `${t.slice(0, MAX_SHOWN_TEXT - 1)}…` : t;
}

/** `docker push a (line 7), cosign sign b (line 9)`, for a parse-error message. */
export function describeHidden(hidden: readonly HiddenCommand[], lineOf: (line: number) => number): string {
  return hidden.map((h) => `${h.text} (line ${lineOf(h.line)})`).join(', ');
}

/** The parse-error message's tail naming what the unparsed text may hide; '' when nothing. */
export function hiddenSuffix(hidden: readonly HiddenCommand[], lineOf: (line: number) => number): string {
  if (hidden.length === 0) return '';
  const pushes = hidden.filter((h) => h.kind === 'push');
  const signs = hidden.filter((h) => h.kind === 'sign');
  const parts: string[] = [];
  if (pushes.length) parts.push(`it may hide ${pushes.length === 1 ? 'a push' : `${pushes.length} pushes`}: ${describeHidden(pushes, lineOf)}`);
  if (signs.length) parts.push(`${pushes.length ? 'and ' : 'it may hide '}signing not credited: ${describeHidden(signs, lineOf)}`);
  return `; ${parts.join('; ')}${pushes.length ? ' (counted as images not inspected, so the verdict fails)' : ''}`;
}

/**
 * One low-confidence "not inspected" push per hidden push command: an image the audit could not read, which
 * fails the verdict (src/rules/unsigned-image.ts words it as such).
 */
export function hiddenPushOps(hidden: readonly HiddenCommand[], file: string, lineOf: (line: number) => number, ctx: Pick<OpContext, 'chain' | 'guard' | 'jobKey' | 'stepIndex' | 'parallelGroup'>): PushOp[] {
  return hidden
    .filter((h) => h.kind === 'push')
    .map((h) => {
      const location: Location = { file, line: lineOf(h.line) };
      const name = `${NOT_INSPECTED_PREFIX}${h.text} at ${file}:${location.line}${UNPARSED_SUFFIX}`;
      return {
        kind: 'push',
        tool: 'unparsed file',
        refs: [{ raw: name, name, resolved: false }],
        location,
        chain: ctx.chain,
        guard: ctx.guard,
        confidence: 'low',
        ...(ctx.jobKey !== undefined ? { jobKey: ctx.jobKey } : {}),
        ...(ctx.stepIndex !== undefined ? { stepIndex: ctx.stepIndex } : {}),
        ...(ctx.parallelGroup !== undefined ? { parallelGroup: ctx.parallelGroup } : {}),
        seq: 0,
        notes: [`${h.text}: in a file that does not parse, so it was not analysed`],
      } satisfies PushOp;
    });
}

/**
 * `uses:` lines of a workflow or composite action that does not parse, naming an action that may push: one the
 * reader has a pushing handler for, or an unknown one whose name looks image-related (src/detect/actions).
 */
export function scanHiddenUses(text: string, mayPush: (action: string) => boolean): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const lines = text.slice(0, MAX_SCAN_CHARS).split('\n');
  for (let i = 0; i < lines.length && out.length < MAX_HIDDEN; i++) {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([\w.-]+\/[\w.-]+(?:\/[^@\s'"]*)?)@([^\s'"#]+)/.exec(lines[i]!.slice(0, MAX_LINE_CHARS));
    if (!m) continue;
    if (!mayPush(m[1]!.toLowerCase())) continue;
    out.push({ kind: 'push', text: shorten(`uses: ${m[1]}@${m[2]}`), line: i + 1 });
  }
  return out;
}

/** Top-level keys of a goreleaser config that push images (and the one that signs them). */
const GORELEASER_PUSH_KEYS = /^(dockers|dockers_v2|docker_manifests|kos):/;

/** What a goreleaser config (or include) that does not parse may hide: its image-pushing sections, by line. */
export function scanHiddenGoreleaser(text: string, file: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const lines = text.slice(0, MAX_SCAN_CHARS).split('\n');
  for (let i = 0; i < lines.length && out.length < MAX_HIDDEN; i++) {
    const line = lines[i]!.slice(0, MAX_LINE_CHARS);
    const push = GORELEASER_PUSH_KEYS.exec(line);
    if (push) out.push({ kind: 'push', text: `goreleaser ${push[1]} of ${shorten(file)}`, line: i + 1 });
    else if (/^docker_signs:/.test(line)) out.push({ kind: 'sign', text: `goreleaser docker_signs of ${shorten(file)}`, line: i + 1 });
  }
  return out;
}
