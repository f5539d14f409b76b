import type { SignatureEvidence, SignedImageInfo } from '../model/analysis.js';
import type { Location } from '../model/location.js';
import { compareLocations } from '../model/location.js';
import type { ImageRef, PushOp, SignOp } from '../model/pipeline.js';
import type { Confidence, ImageReport, SignMethod } from '../model/report.js';
import { conjuncts, formulaKey, formulaText, implies, or, type Decision, type Formula } from '../logic/formula.js';
import type { JobFacts } from '../workflow/reader.js';

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
}

/** Why a signing operation does not cover one push path. */
export interface Rejection {
  sign: SignOp;
  reason: string;
}

export interface PushPath {
  push: PushOp;
  /** Signing operations that cover this push path. */
  /**
   * Signing operations that cover this push path. `undecided`: whether the signature's condition holds whenever the
   * push's does could not be decided within the bound; counted, at medium confidence, with a note.
   */
  signedBy: Array<{ sign: SignOp; byProximity: boolean; undecided: boolean }>;
  /** Signing operations that target the image but do not cover this path, with why. */
  rejected: Rejection[];
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
  const byName = new Map<string, PushOp[]>();
  for (const p of input.pushes) {
    for (const ref of p.refs) {
      const list = byName.get(ref.name) ?? [];
      if (!list.includes(p)) list.push(p);
      byName.set(ref.name, list);
    }
  }
  const live = input.signs.filter((s) => !s.guard.neverRuns);
  const dead = input.signs.filter((s) => s.guard.neverRuns);
  const images: JudgedImage[] = [];
  for (const [name, pushes] of [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const paths: PushPath[] = pushes.map((push) => judgePath(name, push, pushes, live, dead, input));
    const signedPaths = paths.filter((p) => p.signedBy.length > 0);
    const signatures = uniq(signedPaths.flatMap((p) => p.signedBy.map((s) => s.sign)));
    const methods = uniq(signatures.map((s) => methodOf(s, input.signs)));
    const digestFlags = signatures.map((s) => signsByDigest(s, name));
    const proximity = signedPaths.some((p) => p.signedBy.every((s) => s.byProximity));
    const undecided = signedPaths.some((p) => p.signedBy.every((s) => s.undecided));
    const confidence = minConfidence([...pushes.map((p) => p.confidence), ...signatures.map((s) => s.confidence), proximity || undecided ? 'medium' : 'high']);
    const notes: string[] = [];
    for (const p of pushes) for (const n of p.notes ?? []) if (!notes.includes(n)) notes.push(n);
    if (proximity) notes.push('a signing command with a computed target runs after the push in the same job run; matched by position');
    if (undecided) notes.push('whether the signing step runs whenever the push runs could not be decided within the analysis bound (conditions too large); counted as signed');
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

function judgePath(name: string, push: PushOp, siblings: PushOp[], live: SignOp[], dead: SignOp[], input: JudgeInput): PushPath {
  const path: PushPath = { push, signedBy: [], rejected: [] };
  for (const sign of dead) if (targets(sign, name, push, siblings) !== 'no') path.rejected.push({ sign, reason: `it can never run (${sign.guard.neverRuns})` });
  // Signatures that would cover the push but for their condition: together they may still cover it
  // (`cosign sign img:$VERSION` run once per branch that sets VERSION).
  const narrower: Array<{ sign: SignOp; byProximity: boolean; reason: string }> = [];
  for (const sign of live) {
    const t = targets(sign, name, push, siblings);
    if (t === 'no') continue;
    if (t === 'proximity' && !recentPush(push, sign, input)) continue;
    const covers = implies(push.guard.formula, sign.guard.formula);
    const why = rejectReason(push, sign, covers, input);
    const methodOk = !input.acceptMethods || acceptedMethod(sign, name, input.acceptMethods, input.signs);
    if (why && covers === false && methodOk && !rejectReason(push, sign, true, input)) {
      narrower.push({ sign, byProximity: t === 'proximity', reason: why });
      continue;
    }
    if (why) {
      path.rejected.push({ sign, reason: why });
      continue;
    }
    if (!methodOk) {
      path.rejected.push({ sign, reason: `its method (${methodOf(sign, input.signs)}${signsByDigest(sign, name) ? '' : ', by tag'}) is not accepted by the configuration` });
      continue;
    }
    path.signedBy.push({ sign, byProximity: t === 'proximity', undecided: covers === 'unknown' });
  }
  if (narrower.length > 0) {
    const together = narrower.length > 1 ? implies(push.guard.formula, or(...narrower.map((n) => n.sign.guard.formula))) : false;
    if (together === true) for (const n of narrower) path.signedBy.push({ sign: n.sign, byProximity: n.byProximity, undecided: false });
    else for (const n of narrower) path.rejected.push({ sign: n.sign, reason: n.reason });
  }
  return path;
}

/**
 * Whether a sign op names the image pushed by `push`: by name (and, where the references tell them apart, the
 * same tag or the same step's digest), by the push step's digest output, or — for a computed target — by position.
 */
function targets(sign: SignOp, name: string, push: PushOp, siblings: PushOp[]): 'name' | 'proximity' | 'no' {
  const named = sign.refs.filter((r) => r.name === name);
  if (named.length > 0) return named.some((r) => refSelectsPush(r, push, siblings)) ? 'name' : 'no';
  if (sign.targetsSteps && push.digestFromStep && sign.targetsSteps.includes(push.digestFromStep) && sign.jobKey === push.jobKey && sign.refs.length === 0) return 'name';
  if (sign.unresolvedTarget || sign.refs.some(isWhollyDynamic)) return 'proximity';
  return 'no';
}

const DIGEST_STEP = /steps\.([\w-]+)\.outputs\.digest/;
const TEMPLATE = /\$|\{\{|<[^>]*>/;

/**
 * Same name can still be another push: `name:1.0-dev` is not `name:1.0`, and `@${{ steps.a.outputs.digest }}` is
 * not what step b pushed. A reference selects a push unless another push of the same name matches it exactly.
 */
function refSelectsPush(ref: ImageRef, push: PushOp, siblings: PushOp[]): boolean {
  const stepOf = (r: ImageRef) => (r.digest ? DIGEST_STEP.exec(r.digest)?.[1] : undefined);
  const step = stepOf(ref);
  if (step !== undefined) {
    if (push.digestFromStep === step) return true;
    return !siblings.some((p) => p !== push && p.digestFromStep === step && p.jobKey === push.jobKey);
  }
  if (ref.digest !== undefined || ref.tag === undefined) return true;
  const tagsOf = (p: PushOp) => p.refs.filter((r) => r.name === ref.name && r.tag !== undefined).map((r) => r.tag!);
  const mine = tagsOf(push);
  if (mine.length === 0 || mine.includes(ref.tag)) return true;
  // Two literal tags that differ name two different images.
  if (!TEMPLATE.test(ref.tag) && mine.every((t) => !TEMPLATE.test(t))) return false;
  return !siblings.some((p) => p !== push && tagsOf(p).includes(ref.tag!));
}

/** A reference whose repository part is entirely computed (`$REF`, `${{ … }}`, `"$tag"@…`). */
function isWhollyDynamic(ref: ImageRef): boolean {
  if (ref.resolved) return false;
  const n = ref.name.replace(/^docker\.io\/(library\/)?/, '');
  return /^(\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*)$/.test(n) || /^["']?\$/.test(n);
}

/**
 * A computed target (`cosign sign $(cat refs)`) signs what its job pushed since the previous signing step of the
 * job (so "build A, sign, build B, sign" pairs each sign with its own build, and "build A, build B, sign" signs
 * both); without such a push in its own job, what the jobs it waits for pushed.
 */
function recentPush(push: PushOp, sign: SignOp, input: JudgeInput): boolean {
  const seq = (o: { seq?: number }) => o.seq ?? 0;
  const previousSign = Math.max(-1, ...input.signs.filter((s) => s !== sign && s.jobKey === sign.jobKey && seq(s) < seq(sign) && Math.floor(seq(s) / 1000) !== Math.floor(seq(sign) / 1000)).map(seq));
  const window = input.pushes.filter((p) => p.jobKey === sign.jobKey && seq(p) < seq(sign) && seq(p) > previousSign);
  if (window.length > 0) return window.includes(push);
  if (input.pushes.some((p) => p.jobKey === sign.jobKey && seq(p) < seq(sign))) return false;
  return !!(sign.jobKey && push.jobKey && input.jobs.get(sign.jobKey)?.waitsFor(push.jobKey));
}

function rejectReason(push: PushOp, sign: SignOp, covers: Decision, input: JudgeInput): string | undefined {
  const order = orderOf(push, sign, input.jobs);
  if (order === 'parallel') return 'it is in the same parallel: group as the push, so it races it';
  if (order === 'before') return 'it runs before the push';
  if (order === 'unrelated') return 'it runs in another workflow run or a job that does not wait for the push';
  if (sign.guard.continueOnError) return 'it has continue-on-error: true, so a failed signature does not stop the release';
  if (covers === false) return `its condition (${conditionText(sign.guard.formula, push.guard.formula)}) is narrower than the push's`;
  return undefined;
}

/** The sign's conditions that the push's guard does not already state, as an expression. */
function conditionText(sign: Formula, push: Formula): string {
  const stated = new Set(conjuncts(push).map(formulaKey));
  const extra = conjuncts(sign).filter((c) => !stated.has(formulaKey(c)));
  return (extra.length ? extra : conjuncts(sign)).map(formulaText).join(' && ');
}

function orderOf(push: PushOp, sign: SignOp, jobs: Map<string, JobFacts>): 'after' | 'before' | 'parallel' | 'unrelated' {
  if (push.jobKey === sign.jobKey) {
    if (push.parallelGroup !== undefined && push.parallelGroup === sign.parallelGroup && push.stepIndex !== sign.stepIndex) return 'parallel';
    return (sign.seq ?? 0) > (push.seq ?? 0) ? 'after' : 'before';
  }
  if (sign.jobKey && push.jobKey && jobs.get(sign.jobKey)?.waitsFor(push.jobKey)) return 'after';
  return 'unrelated';
}

/** The method a sign op contributes; `cosign copy` inherits the source image's methods. */
export function methodOf(sign: SignOp, all: SignOp[]): SignMethod {
  if (sign.copiedFrom) {
    const src = all.find((s) => s !== sign && !s.copiedFrom && s.refs.some((r) => r.name === sign.copiedFrom!.name));
    if (src) return src.method;
  }
  return sign.method;
}

export function signsByDigest(sign: SignOp, name: string): boolean {
  if (sign.copiedFrom) return !!sign.copiedFrom.digest;
  const refs = sign.refs.filter((r) => r.name === name);
  const relevant = refs.length > 0 ? refs : sign.refs;
  if (relevant.length === 0) return !!sign.targetsSteps?.length;
  return relevant.every((r) => r.digest !== undefined && r.digest.length > 0);
}

function acceptedMethod(sign: SignOp, name: string, accept: Array<SignMethod | 'tag'>, all: SignOp[]): boolean {
  if (!accept.includes(methodOf(sign, all))) return false;
  if (!signsByDigest(sign, name) && !accept.includes('tag')) return false;
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
  const pushes = uniqBy(img.paths.map((p) => loc(p.push.location)), (l) => `${l.file}:${l.line}`).sort(compareLocations);
  const signatures = uniqBy(
    img.signatures.map((s) => ({ ...loc(s.location), method: methodOf(s, all) })),
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
      byDigest: signsByDigest(s, img.name),
    };
  });
  return { name: img.name, signed: img.signed, methods: img.methods, signatures, pushes: img.paths.map((p) => p.push.location) };
}

function identityOf(s: SignOp, jobs: Map<string, JobFacts>): { workflowPath: string; refs?: string[] } {
  const job = s.jobKey ? jobs.get(s.jobKey) : undefined;
  const workflowPath = s.identityWorkflow ?? job?.workflowPath ?? '';
  return job?.refs ? { workflowPath, refs: job.refs } : { workflowPath };
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
