import type { SignatureEvidence, SignedImageInfo } from '../model/analysis.js';
import type { Location } from '../model/location.js';
import { compareLocations } from '../model/location.js';
import { describeDigest, digestSources, isTraceableDigest } from '../model/digest.js';
import { isDigestReference } from '../model/image-ref.js';
import type { ImageRef, PushOp, SignOp } from '../model/pipeline.js';
import type { AnalysisBudget } from '../util/budget.js';
import type { CiSystem, Confidence, ImageReport, SignMethod } from '../model/report.js';
import { conjuncts, formulaKey, formulaText, implies, or, type Decision, type Formula } from '../logic/formula.js';
import type { JobFacts } from '../model/pipeline.js';

/**
 * The signing judgement: for every push path of every image, is there a signing operation that targets the
 * image, certainly runs after the push, and runs whenever the push runs?
 */

export interface JudgeInput {
  pushes: PushOp[];
  signs: SignOp[];
  jobs: Map<string, JobFacts>;
  /** Methods that count; undefined means all. 'tag' admits signatures by mutable tag. */
  acceptMethods?: Array<SignMethod | 'tag'>;
  /** The run's analysis budget: PAIR_COST units per (push path, signature) pair judged. */
  budget?: AnalysisBudget;
}

/** Why a signing operation does not cover one push path. */
export interface Rejection {
  sign: SignOp;
  reason: string;
}

export interface PushPath {
  push: PushOp;
  /**
   * Signing operations that cover this push path. `undecided`: whether the signature's condition holds whenever the
   * push's does could not be decided within the bound; counted, at medium confidence, with a note.
   * `byProximity`: a computed target matched by position; `byDigestOnly`: a computed repository matched by the
   * digest this push produced.
   */
  signedBy: Array<{ sign: SignOp; byProximity: boolean; byDigestOnly: boolean; undecided: boolean }>;
  /** Signing operations that target the image but do not cover this path, with why. */
  rejected: Rejection[];
  /** Signing operations that name the image by a digest that cannot be traced to this push (also in `rejected`). */
  untraced: SignOp[];
}

export interface JudgedImage {
  name: string;
  paths: PushPath[];
  signed: boolean;
  partially: boolean;
  methods: SignMethod[];
  byDigest: boolean | null;
  confidence: Confidence;
  /** Counted signatures (deduplicated). */
  signatures: SignOp[];
  notes: string[];
}

const ATTESTATION_METHODS = new Set<SignMethod>(['attestation', 'cosign-attest']);

export function isAttestation(method: SignMethod): boolean {
  return ATTESTATION_METHODS.has(method);
}

export function judgeImages(input: JudgeInput): JudgedImage[] {
  const ix = buildIndex(input);
  const images: JudgedImage[] = [];
  for (const [name, pushes] of [...ix.pushesByName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const paths: PushPath[] = pushes.map((push) => judgePath(name, push, pushes, ix));
    const signedPaths = paths.filter((p) => p.signedBy.length > 0);
    const signatures = uniq(signedPaths.flatMap((p) => p.signedBy.map((s) => s.sign)));
    const methods = uniq(signatures.map((s) => methodOf(s, input.signs)));
    const digestFlags = signatures.map((s) => signsByDigest(s, name, input.signs));
    const proximity = signedPaths.some((p) => p.signedBy.every((s) => s.byProximity));
    const undecided = signedPaths.some((p) => p.signedBy.every((s) => s.undecided));
    const computedName = signedPaths.some((p) => p.signedBy.every((s) => s.byDigestOnly));
    const untraced = uniq(paths.filter((p) => p.signedBy.length === 0).flatMap((p) => p.untraced));
    const confidence = minConfidence([
      ...pushes.map((p) => p.confidence),
      ...signatures.map((s) => s.confidence),
      proximity || undecided || computedName || untraced.length > 0 ? 'medium' : 'high',
    ]);
    const notes: string[] = [];
    for (const p of pushes) for (const n of p.notes ?? []) if (!notes.includes(n)) notes.push(n);
    if (proximity) notes.push('a signing command with a computed target runs after the push in the same job run; matched by position');
    if (undecided) notes.push('whether the signing step runs whenever the push runs could not be decided within the analysis bound (conditions too large); counted as signed');
    if (computedName) notes.push('a signing command whose repository is computed at run time signs the digest this push produced; matched by that digest');
    for (const u of untraced.slice(0, 5)) {
      notes.push(`${u.tool} at ${u.location.file}:${u.location.line} names this image with a digest that cannot be traced to its push; not counted (signature of an unknown subject)`);
    }
    images.push({
      name,
      paths,
      signed: signedPaths.length === paths.length && paths.length > 0,
      partially: signedPaths.length > 0 && signedPaths.length < paths.length,
      methods,
      byDigest: signatures.length === 0 ? null : digestFlags.every(Boolean),
      confidence,
      signatures,
      notes,
    });
  }
  return images;
}

/**
 * What the judge looks things up in, built once: pushes by name and by digest text, signatures by the names they
 * target, and, for signatures that name no image (computed targets), the pushes they may cover. Judging is then
 * one pass over push paths and the signatures that can concern them, not every push against every signature.
 */
interface JudgeIndex {
  input: JudgeInput;
  pushesByName: Map<string, PushOp[]>;
  /** Signatures (live and dead) by the normalized names of their references. */
  signsByName: Map<string, SignOp[]>;
  /** Signatures that name no pushed image but may still cover a push: by position, or by its digest alone. */
  floating: Map<PushOp, SignOp[]>;
  pushesByDigestText: Map<string, PushOp[]>;
  pushesByStep: Map<string, PushOp[]>;
}

function buildIndex(input: JudgeInput): JudgeIndex {
  const pushesByName = new Map<string, PushOp[]>();
  const pushesByDigestText = new Map<string, PushOp[]>();
  const pushesByStep = new Map<string, PushOp[]>();
  for (const p of input.pushes) {
    // A push lists a name once however many tags it pushes (a Set per push, not a scan of the name's list:
    // that was quadratic in the pushes of one name, 336k of them in a hostile composite fan-out).
    for (const name of new Set(p.refs.map((r) => r.name))) push(pushesByName, name, p);
    if (p.digestText) push(pushesByDigestText, p.digestText, p);
    if (p.digestFromStep) push(pushesByStep, p.digestFromStep, p);
  }
  const signsByName = new Map<string, SignOp[]>();
  for (const s of input.signs) for (const name of new Set(s.refs.map((r) => r.name))) push(signsByName, name, s);
  const ix: JudgeIndex = { input, pushesByName, signsByName, floating: new Map(), pushesByDigestText, pushesByStep };
  const positions = new PositionIndex(input);
  for (const s of input.signs) {
    const candidates = new Set<PushOp>();
    // A computed target with an untraceable digest is looked at by position too, only to say why it does not count.
    if (isPositional(s) || untraceableComputed(s)) for (const p of positions.pushesBefore(s)) candidates.add(p);
    for (const r of s.refs) if (!r.resolved && isDigestReference(r)) for (const p of pushesOfDigest(r.digest!, ix)) candidates.add(p);
    for (const p of candidates) push(ix.floating, p, s);
  }
  return ix;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function sourceSigns(signs: SignOp[]): Map<string, SignOp> {
  const out = new Map<string, SignOp>();
  for (const s of signs) {
    if (s.copiedFrom) continue;
    for (const r of s.refs) if (!out.has(r.name)) out.set(r.name, s);
  }
  return out;
}

/** The pushes a digest text may come from, before the checks of `digestSelects` (same job, name, tag). */
function pushesOfDigest(digest: string, ix: JudgeIndex): PushOp[] {
  const out: PushOp[] = [];
  for (const src of digestSources(digest)) {
    if (src.kind === 'step') out.push(...(ix.pushesByStep.get(src.step) ?? []));
    else if (src.kind === 'push') out.push(...(ix.pushesByDigestText.get(src.text) ?? []));
    else if (src.kind === 'reference') out.push(...(ix.pushesByName.get(src.ref.name) ?? []), ...(ix.pushesByDigestText.get(src.text) ?? []));
  }
  return out;
}

/**
 * Budget units for judging one (push path, signature) pair: target, order, guard implication and the records kept
 * are some tens to hundreds of cheap operations, not one. Real repositories judge at most a few thousand pairs (256 units each
 * is well under 1% of the budget); 5,000 pushes of one name each signed in its own step (25 million pairs, 40 s when
 * charged 1 unit each, a fuzz-found hang) now stop at the budget (the whole run 4.8 s) and fail closed.
 */
export const PAIR_COST = 256;

function judgePath(name: string, push: PushOp, siblings: PushOp[], ix: JudgeIndex): PushPath {
  const input = ix.input;
  const path: PushPath = { push, signedBy: [], rejected: [], untraced: [] };
  const candidates = uniq([...(ix.signsByName.get(name) ?? []), ...(ix.floating.get(push) ?? [])]);
  // Signatures that would cover the push but for their condition: together they may still cover it
  // (`cosign sign img:$VERSION` run once per branch that sets VERSION).
  const narrower: Array<{ sign: SignOp; byProximity: boolean; byDigestOnly: boolean; reason: string }> = [];
  for (const sign of candidates) {
    if (input.budget && !input.budget.charge(PAIR_COST)) {
      input.budget.stopped(`judging ${name}`, push.location);
      break;
    }
    const t = targets(sign, name, push, siblings, ix);
    if (t.kind === 'no') continue;
    if (sign.guard.neverRuns) {
      path.rejected.push({ sign, reason: `it can never run (${sign.guard.neverRuns})` });
      continue;
    }
    if (t.kind === 'untraced') {
      path.rejected.push({ sign, reason: t.reason });
      if (t.untraceable) path.untraced.push(sign);
      continue;
    }
    const byProximity = t.kind === 'proximity';
    const byDigestOnly = t.kind === 'digest' && t.computedName;
    const covers = implies(push.guard.formula, sign.guard.formula);
    const why = rejectReason(push, sign, covers, input);
    const methodOk = !input.acceptMethods || acceptedMethod(sign, name, input.acceptMethods, input.signs);
    if (why && covers === false && methodOk && !rejectReason(push, sign, true, input)) {
      narrower.push({ sign, byProximity, byDigestOnly, reason: why });
      continue;
    }
    if (why) {
      path.rejected.push({ sign, reason: why });
      continue;
    }
    if (!methodOk) {
      path.rejected.push({ sign, reason: `its method (${methodOf(sign, input.signs)}${signsByDigest(sign, name, input.signs) ? '' : ', by tag'}) is not accepted by the configuration` });
      continue;
    }
    path.signedBy.push({ sign, byProximity, byDigestOnly, undecided: covers === 'unknown' });
  }
  if (narrower.length > 0) {
    const together = narrower.length > 1 ? implies(push.guard.formula, or(...narrower.map((n) => n.sign.guard.formula))) : false;
    if (together === true) for (const n of narrower) path.signedBy.push({ sign: n.sign, byProximity: n.byProximity, byDigestOnly: n.byDigestOnly, undecided: false });
    else for (const n of narrower) path.rejected.push({ sign: n.sign, reason: n.reason });
  }
  return path;
}

type Target =
  /** Names the image, by tag or bare name (no digest part). */
  | { kind: 'name' }
  /** Its digest is what this push produced; `computedName`: the repository part is computed at run time. */
  | { kind: 'digest'; computedName: boolean }
  /** A computed target, matched by position. */
  | { kind: 'proximity' }
  /** Names the image by a digest that is not this push's; `untraceable`: one that traces to no push at all. */
  | { kind: 'untraced'; reason: string; untraceable: boolean }
  | { kind: 'no' };

/**
 * Whether a sign op covers what `push` pushed under `name`:
 * - a reference `name@<digest>` covers exactly the pushes its digest came from (a build step's digest output, what
 *   ko, `--image-refs`, `--digestfile` or `--metadata-file` handed on, what `crane digest REF` resolved): a digest
 *   the engine cannot trace to a push credits none, whatever the name says;
 * - a reference by tag or bare name covers the pushes of that name it can select (`name:1.0` is not `name:1.0-dev`);
 * - a reference whose repository is computed covers a push whose digest it carries;
 * - a target computed as a whole (`cosign sign $(cat refs)`), with no digest to go by, covers by position.
 */
function targets(sign: SignOp, name: string, push: PushOp, siblings: PushOp[], ix: JudgeIndex): Target {
  const named = sign.refs.filter((r) => r.name === name);
  if (named.length > 0) {
    let untraced: Target | undefined;
    for (const r of named) {
      if (isDigestReference(r)) {
        const selected = digestSelects(r.digest!, sign, push, ix);
        if (selected === true) return { kind: 'digest', computedName: false };
        untraced ??= { kind: 'untraced', reason: selected, untraceable: !isTraceableDigest(r.digest!) };
      } else if (refSelectsPush(r, push, siblings)) return { kind: 'name' };
    }
    return untraced ?? { kind: 'no' };
  }
  if (sign.targetsSteps && push.digestFromStep && sign.targetsSteps.includes(push.digestFromStep) && sign.jobKey === push.jobKey && sign.refs.length === 0) return { kind: 'name' };
  // A configured name (`${{ vars.GHCR_REPO }}@<digest>`) is another repository, where the signature is stored:
  // the same digest pushed under this name is not signed by it.
  for (const r of sign.refs) if (!r.resolved && !isConfiguredName(r) && isDigestReference(r) && digestSelects(r.digest!, sign, push, ix) === true) return { kind: 'digest', computedName: true };
  if (isPositional(sign)) return { kind: 'proximity' };
  const computed = untraceableComputed(sign);
  if (computed) return { kind: 'untraced', reason: `its target (${computed.raw}) is computed at run time and its digest cannot be traced to a push, so it is not matched by position`, untraceable: true };
  return { kind: 'no' };
}

/** A reference of a sign op whose repository is computed and whose digest traces to no push (`$REF@$DIGEST`). */
function untraceableComputed(sign: SignOp): ImageRef | undefined {
  return sign.refs.find((r) => isWhollyDynamic(r) && isDigestReference(r) && !isTraceableDigest(r.digest!));
}

/**
 * A sign op matched by position: its target is computed as a whole and shows no digest (`cosign sign $(cat
 * refs)`). One that shows a digest (`$REF@$DIGEST`) goes by that digest or by nothing.
 */
function isPositional(sign: SignOp): boolean {
  const dynamic = sign.refs.filter(isWhollyDynamic);
  if (dynamic.some((r) => !isDigestReference(r))) return true;
  return !!sign.unresolvedTarget && sign.refs.length === 0;
}

/**
 * Whether a digest part names what `push` produced: true, or why not. A step id is the push step's own job's
 * (`${{ steps.build.outputs.digest }}` in the signing job means its own `build` step when it has one; otherwise it
 * came through job outputs from a job it waits for).
 */
function digestSelects(digest: string, sign: SignOp, push: PushOp, ix: JudgeIndex): true | string {
  const sources = digestSources(digest);
  const ownJob = (candidates: PushOp[] | undefined): boolean =>
    push.jobKey === sign.jobKey || !(candidates ?? []).some((p) => p.jobKey === sign.jobKey);
  for (const src of sources) {
    if (src.kind === 'step' && push.digestFromStep === src.step && ownJob(ix.pushesByStep.get(src.step))) return true;
    if (src.kind === 'push' && push.digestText === src.text && ownJob(ix.pushesByDigestText.get(src.text))) return true;
    if (src.kind === 'reference' && push.refs.some((r) => r.name === src.ref.name) && refSelectsPush(src.ref, push, ix.pushesByName.get(src.ref.name) ?? [push])) return true;
    if (src.kind === 'reference' && copiesReference(push, src.ref)) return true;
  }
  if (sources.every((s) => s.kind === 'literal')) return `it signs a fixed digest (${digest}), not what this push produced`;
  if (sources.every((s) => s.kind === 'unknown' || s.kind === 'literal')) return `its digest (${digest}) cannot be traced to a push`;
  return `its digest (${describeDigest(digest)}) is not what this push produced`;
}

/** A copy (`crane copy SRC DST`) pushes what SRC points to: its digest text names SRC (same name and tag). */
function copiesReference(push: PushOp, ref: ImageRef): boolean {
  if (!push.digestText) return false;
  const [src] = digestSources(push.digestText);
  return src?.kind === 'reference' && src.ref.name === ref.name && src.ref.tag === ref.tag;
}

const TEMPLATE = /\$|\{\{|<[^>]*>/;

/**
 * Same name can still be another push: `name:1.0-dev` is not `name:1.0`. A reference by tag selects a push unless
 * another push of the same name matches it exactly; a bare name (`:latest` implied) selects every push of it.
 */
function refSelectsPush(ref: ImageRef, push: PushOp, siblings: PushOp[]): boolean {
  if (ref.tag === undefined) return true;
  const tagsOf = (p: PushOp) => p.refs.filter((r) => r.name === ref.name && r.tag !== undefined).map((r) => r.tag!);
  const mine = tagsOf(push);
  if (mine.length === 0 || mine.includes(ref.tag)) return true;
  // Two literal tags that differ name two different images.
  if (!TEMPLATE.test(ref.tag) && mine.every((t) => !TEMPLATE.test(t))) return false;
  return !siblings.some((p) => p !== push && tagsOf(p).includes(ref.tag!));
}

/**
 * A reference whose repository part is entirely computed (`$REF`, `${{ steps.x.outputs.ref }}`, `"$tag"@…`). A
 * repository that is configuration (`${{ vars.GHCR_REPO }}`, a secret, an input, a matrix value) is not computed:
 * it is one stable name the repository does not show, compared by name like any other — matching it by position
 * would credit a signature of `${{ vars.GHCR_REPO }}` to the push of `${{ vars.QUAY_REPO }}`.
 */
function isWhollyDynamic(ref: ImageRef): boolean {
  if (ref.resolved) return false;
  const n = ref.name.replace(/^docker\.io\/(library\/)?/, '');
  if (CONFIGURED_NAME.test(n)) return false;
  return /^(\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*)$/.test(n) || /^["']?\$/.test(n);
}

const CONFIGURED_NAME = /^\$\{\{\s*(vars|secrets|inputs|matrix|github)\.[\w.-]+\s*\}\}$/i;

function isConfiguredName(ref: ImageRef): boolean {
  return CONFIGURED_NAME.test(ref.name.replace(/^docker\.io\/(library\/)?/, ''));
}

/**
 * A computed target (`cosign sign $(cat refs)`) signs what its job pushed since the previous signing step of the
 * job (so "build A, sign, build B, sign" pairs each sign with its own build, and "build A, build B, sign" signs
 * both); without such a push in its own job, what the jobs it waits for pushed. Each job's pushes and signatures
 * are sorted once by their order in the job run.
 */
class PositionIndex {
  private readonly pushes = new Map<string, PushOp[]>();
  private readonly pushSeqs = new Map<string, number[]>();
  private readonly signs = new Map<string, SignOp[]>();
  private readonly signSeqs = new Map<string, number[]>();

  constructor(private readonly input: JudgeInput) {
    for (const p of input.pushes) push(this.pushes, p.jobKey ?? '', p);
    for (const [k, list] of this.pushes) this.pushSeqs.set(k, list.sort((a, b) => seq(a) - seq(b)).map(seq));
    for (const s of input.signs) push(this.signs, s.jobKey ?? '', s);
    for (const [k, list] of this.signs) this.signSeqs.set(k, list.sort((a, b) => seq(a) - seq(b)).map(seq));
  }

  pushesBefore(sign: SignOp): PushOp[] {
    const job = sign.jobKey ?? '';
    const at = seq(sign);
    const previousSign = this.previousSigningCommand(job, sign);
    const jobPushes = this.pushes.get(job) ?? [];
    const pushSeqs = this.pushSeqs.get(job) ?? [];
    const from = lowerBound(pushSeqs, previousSign + 0.5);
    const to = lowerBound(pushSeqs, at);
    if (to > from) return jobPushes.slice(from, to);
    if (to > 0) return [];
    const out: PushOp[] = [];
    for (const [jobKey, list] of this.pushes) if (sign.jobKey && jobKey && this.input.jobs.get(sign.jobKey)?.waitsFor(jobKey)) for (const p of list) out.push(p);
    return out;
  }

  /**
   * The order of the signing command before this one in the job, or -1. Other signing operations of the same
   * command (one per alternative of its arguments, or per caller of the same line) do not end the window.
   */
  private previousSigningCommand(job: string, sign: SignOp): number {
    const list = this.signs.get(job) ?? [];
    const seqs = this.signSeqs.get(job) ?? [];
    const here = locationKey(sign);
    for (let i = lowerBound(seqs, seq(sign)) - 1, looked = 0; i >= 0 && looked < MAX_FORKS_SKIPPED; i--, looked++) {
      if (locationKey(list[i]!) !== here) return seqs[i]!;
    }
    return -1;
  }
}

/** How many signing operations of one command are skipped looking for the previous command (bounded work). */
const MAX_FORKS_SKIPPED = 64;

function locationKey(o: { location: { file: string; line: number } }): string {
  return `${o.location.file}:${o.location.line}`;
}

function seq(o: { seq?: number }): number {
  return o.seq ?? 0;
}

/** First index whose value is >= x (values ascending). */
function lowerBound(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rejectReason(push: PushOp, sign: SignOp, covers: Decision, input: JudgeInput): string | undefined {
  // Whether the push's job waits for the signing job only words the reason better: not asked once the budget is spent.
  const order = orderOf(push, sign, input.jobs, !input.budget?.exhausted);
  if (order === 'parallel') return 'it is in the same parallel: group as the push, so it races it';
  if (order === 'before') return 'it runs before the push';
  if (order === 'unrelated') return 'it runs in another pipeline run, or in a job or build step that does not wait for the push';
  if (sign.guard.continueOnError) return 'it may fail without failing the run (continue-on-error, allow_failure, allowFailure), so a failed signature does not stop the release';
  if (covers === false) return `its condition (${conditionText(sign.guard.formula, push.guard.formula)}) is narrower than the push's`;
  return undefined;
}

/** The sign's conditions that the push's guard does not already state, as an expression. */
function conditionText(sign: Formula, push: Formula): string {
  const stated = new Set(conjuncts(push).map(formulaKey));
  const extra = conjuncts(sign).filter((c) => !stated.has(formulaKey(c)));
  return (extra.length ? extra : conjuncts(sign)).map(formulaText).join(' && ');
}

function orderOf(push: PushOp, sign: SignOp, jobs: Map<string, JobFacts>, reverse = true): 'after' | 'before' | 'parallel' | 'unrelated' {
  if (push.jobKey === sign.jobKey) {
    if (push.parallelGroup !== undefined && push.parallelGroup === sign.parallelGroup && push.stepIndex !== sign.stepIndex) return 'parallel';
    return (sign.seq ?? 0) > (push.seq ?? 0) ? 'after' : 'before';
  }
  if (sign.jobKey && push.jobKey && jobs.get(sign.jobKey)?.waitsFor(push.jobKey)) return 'after';
  // The push's job waits for the signing job (a sign job the push job needs; Cloud Build's `images:`, pushed after
  // every step): certainly before, which says more than "another run".
  if (reverse && sign.jobKey && push.jobKey && jobs.get(push.jobKey)?.waitsFor(sign.jobKey)) return 'before';
  return 'unrelated';
}

/** The method a sign op contributes; `cosign copy` inherits the source image's methods. */
export function methodOf(sign: SignOp, all: SignOp[]): SignMethod {
  return copySource(sign, all)?.method ?? sign.method;
}

/**
 * Whether a sign op signs `name` by digest. `cosign copy SRC DST` copies SRC's signatures: DST is signed by digest
 * when SRC's signature was (the copied signature names SRC's digest), whatever reference the copy was given.
 */
export function signsByDigest(sign: SignOp, name: string, all?: SignOp[]): boolean {
  if (sign.copiedFrom) {
    const src = all ? copySource(sign, all) : undefined;
    return src ? signsByDigest(src, sign.copiedFrom.name) : isDigestReference(sign.copiedFrom);
  }
  const refs = sign.refs.filter((r) => r.name === name);
  const relevant = refs.length > 0 ? refs : sign.refs;
  if (relevant.length === 0) return !!sign.targetsSteps?.length;
  return relevant.every(isDigestReference);
}

const sourceIndexes = new WeakMap<SignOp[], Map<string, SignOp>>();

/** The signature a `cosign copy` carries over: the first one (not itself a copy) that names the copy's source. */
function copySource(sign: SignOp, all: SignOp[]): SignOp | undefined {
  if (!sign.copiedFrom) return undefined;
  let index = sourceIndexes.get(all);
  if (!index) {
    index = sourceSigns(all);
    sourceIndexes.set(all, index);
  }
  return index.get(sign.copiedFrom.name);
}

function acceptedMethod(sign: SignOp, name: string, accept: Array<SignMethod | 'tag'>, all: SignOp[]): boolean {
  if (!accept.includes(methodOf(sign, all))) return false;
  if (!signsByDigest(sign, name, all) && !accept.includes('tag')) return false;
  return true;
}

function minConfidence(values: Confidence[]): Confidence {
  if (values.includes('low')) return 'low';
  if (values.includes('medium')) return 'medium';
  return 'high';
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

// ---------------------------------------------------------------- report views

function loc(l: Location): { file: string; line: number } {
  return { file: l.file, line: l.line };
}

export function toImageReport(img: JudgedImage, all: SignOp[]): ImageReport {
  const pushes = uniqBy(img.paths.map((p) => ({ ...loc(p.push.location), ...(p.push.ci ? { ci: p.push.ci } : {}) })), (l) => `${l.file}:${l.line}`).sort(compareLocations);
  const signatures = uniqBy(
    img.signatures.map((s) => ({ ...loc(s.location), method: methodOf(s, all), ...(s.ci ? { ci: s.ci } : {}) })),
    (s) => `${s.file}:${s.line}:${s.method}`,
  ).sort(compareLocations);
  const tags = uniq(img.paths.flatMap((p) => p.push.refs.filter((r) => r.name === img.name && r.tag).map((r) => r.tag!))).slice(0, 20);
  return {
    name: img.name,
    signed: img.signed,
    methods: img.methods,
    byDigest: img.signed ? img.byDigest : null,
    confidence: img.confidence,
    pushes,
    signatures,
    ...(tags.length ? { tags } : {}),
    ...(img.notes.length ? { notes: img.notes } : {}),
  };
}

export function toSignedImageInfo(img: JudgedImage, all: SignOp[], jobs: Map<string, JobFacts>): SignedImageInfo {
  const signatures: SignatureEvidence[] = img.signatures.map((s) => {
    const method = methodOf(s, all);
    return {
      method,
      location: s.location,
      keyless: s.keyless,
      ...(s.key ? { key: s.key } : {}),
      ...(s.keyless ? { identity: identityOf(s, jobs) } : {}),
      format: s.signatureFormat === 'legacy' ? 'legacy' : s.signatureFormat === 'bundle' ? 'bundle' : 'unknown',
      attestation: isAttestation(method),
      byDigest: signsByDigest(s, img.name, all),
    };
  });
  return { name: img.name, signed: img.signed, methods: img.methods, signatures, pushes: img.paths.map((p) => p.push.location) };
}

function identityOf(s: SignOp, jobs: Map<string, JobFacts>): { workflowPath: string; refs?: string[]; ci?: CiSystem; subject?: string } {
  const job = s.jobKey ? jobs.get(s.jobKey) : undefined;
  const workflowPath = s.identityWorkflow ?? job?.workflowPath ?? '';
  const ci = s.ci ?? job?.ci;
  return { workflowPath, ...(job?.refs ? { refs: job.refs } : {}), ...(ci ? { ci } : {}), ...(job?.identitySubject ? { subject: job.identitySubject } : {}) };
}

function uniqBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
