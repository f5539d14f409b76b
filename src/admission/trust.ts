import type { SignatureEvidence } from '../model/analysis.js';
import type { SignMethod } from '../model/report.js';
import type { AnalysisBudget } from '../util/budget.js';
import { compileGlob, IDENTITY_GLOB, isUsable } from '../util/glob.js';
import { compileRegex, isUsableRegex } from '../util/safe-regex.js';
import type { Authority, KeylessIdentity, SignatureScheme } from './model.js';

/**
 * Compares one policy authority with one signature CI makes. `mismatch` means the policy would reject what CI
 * produces; `unchecked` means the repository cannot show the answer (a key only in a cluster secret or KMS, an
 * identity regexp with unknown trigger refs) — that is not a mismatch, it is said in a note.
 */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export type TrustStatus = 'ok' | 'unchecked' | 'mismatch';

export interface TrustResult {
  status: TrustStatus;
  reason?: string;
}

export interface TrustContext {
  repository?: string;
  /** The run's analysis budget, for identity globs and regular expressions. */
  budget?: AnalysisBudget;
  /** SPKI fingerprints of the public key matching a CI key reference (`cosign.key` → `cosign.pub`), when committed. */
  publicKeysFor(evidence: SignatureEvidence): { fingerprints: string[]; file: string } | undefined;
  fingerprintsOf(pem: string): string[];
}

export function schemeOfMethod(method: SignMethod): SignatureScheme {
  if (method === 'notation') return 'notation';
  if (method === 'docker-content-trust') return 'dct';
  return 'cosign';
}

/**
 * A matcher for an identity glob (`*`, `?`) or regular expression (Go's RE2 syntax, which re2js implements
 * exactly): test answers true, false, or undefined when the pattern cannot be evaluated or the budget ran out.
 */
interface IdentityMatcher {
  test(text: string): boolean | undefined;
  /** Why the pattern cannot be evaluated at all. */
  unusable?: string;
}

function identityGlob(glob: string, budget: AnalysisBudget | undefined): IdentityMatcher {
  const g = compileGlob(glob, IDENTITY_GLOB);
  if (!isUsable(g)) return { test: () => undefined, unusable: g.unusable };
  return { test: (text) => g.matches(text, budget) };
}

function identityRegex(source: string, budget: AnalysisBudget | undefined): IdentityMatcher {
  const re = compileRegex(source);
  if (!isUsableRegex(re)) return { test: () => undefined, unusable: re.unusable };
  return { test: (text) => re.test(text, budget) };
}

/** true when some candidate matches, false when none does, undefined when some could not be compared and none matched. */
function someMatch(m: IdentityMatcher, candidates: string[]): boolean | undefined {
  let unknown = false;
  for (const c of candidates) {
    const r = m.test(c);
    if (r === true) return true;
    if (r === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function notCompared(what: string, m: IdentityMatcher): TrustResult {
  return { status: 'unchecked', reason: `${what} could not be compared with CI's identity (${m.unusable ?? 'the analysis budget ran out'})` };
}

export function evaluateAuthority(auth: Authority, ev: SignatureEvidence, ctx: TrustContext): TrustResult {
  if (auth.kind === 'static-pass') return { status: 'ok' };
  if (auth.kind === 'static-fail') return { status: 'mismatch', reason: `${auth.label} denies every matching image` };
  const evScheme = schemeOfMethod(ev.method);
  if (auth.scheme !== 'any' && auth.scheme !== evScheme) return { status: 'mismatch', reason: `the policy verifies ${schemeName(auth.scheme)} signatures; CI signs with ${ev.method}` };
  if (auth.attestation && !ev.attestation) return { status: 'mismatch', reason: `the policy verifies an attestation (${auth.label}); CI makes an image signature, not an attestation` };
  if (!auth.attestation && ev.attestation) return { status: 'mismatch', reason: `the policy verifies image signatures (${auth.label}); CI only makes an attestation (${ev.method})` };
  if (auth.signatureFormat && !auth.attestation && evScheme === 'cosign') {
    if (auth.signatureFormat === 'legacy' && ev.format === 'bundle')
      return { status: 'mismatch', reason: 'policy-controller expects the legacy signature storage (signatureFormat defaults to legacy); CI writes only a Sigstore bundle as an OCI referrer (cosign 3 default)' };
    if (auth.signatureFormat === 'bundle' && ev.format === 'legacy') return { status: 'mismatch', reason: 'the policy expects Sigstore bundle signatures (signatureFormat: bundle); CI writes the legacy .sig tag' };
  }
  const formatNote = auth.signatureFormat && ev.format === 'unknown' && !auth.attestation ? `signature storage format of CI's signature unknown; policy expects ${auth.signatureFormat}` : undefined;
  const result = evaluateMaterial(auth, ev, ctx);
  if (result.status === 'ok' && formatNote) return { status: 'unchecked', reason: formatNote };
  return result;
}

function evaluateMaterial(auth: Authority, ev: SignatureEvidence, ctx: TrustContext): TrustResult {
  if (auth.kind === 'opaque') return { status: 'unchecked', reason: `${auth.label} is not checked against CI` };
  if (auth.kind === 'key') {
    if (ev.keyless) return { status: 'mismatch', reason: `the policy requires a ${auth.label}; CI signs keyless` };
    if (!auth.pems || auth.pems.length === 0) return { status: 'unchecked', reason: `the policy's key is held outside the repository (${auth.keyRef ?? 'not shown'}); not compared` };
    const policyKeys = auth.pems.flatMap((p) => ctx.fingerprintsOf(p));
    if (policyKeys.length === 0) return { status: 'unchecked', reason: `the policy's ${auth.label} could not be read as a public key` };
    const ci = ctx.publicKeysFor(ev);
    if (!ci) return { status: 'unchecked', reason: `no committed public key matches CI's signing key ${ev.key?.value ?? '(unknown)'}; not compared` };
    if (ci.fingerprints.some((k) => policyKeys.includes(k))) return { status: 'ok' };
    return { status: 'mismatch', reason: `the policy's public key is not the key CI signs with (${ci.file})` };
  }
  // keyless
  if (!ev.keyless) return { status: 'mismatch', reason: `the policy requires a keyless identity; CI signs with a key (${ev.key?.value ?? ev.method})` };
  const ids = auth.identities ?? [];
  if (ids.length === 0 || ids.every((i) => Object.keys(i).length === 0)) return { status: 'unchecked', reason: 'the policy accepts any keyless identity; the signer is not pinned' };
  const results = ids.map((id) => evaluateIdentity(id, ev, ctx.repository, ctx.budget));
  const ok = results.find((r) => r.status === 'ok');
  if (ok) return ok;
  const unchecked = results.find((r) => r.status === 'unchecked');
  if (unchecked) return unchecked;
  return results[0] ?? { status: 'unchecked' };
}

function schemeName(s: SignatureScheme): string {
  return { cosign: 'Sigstore/cosign', notation: 'Notary v2 (notation)', dct: 'Docker Content Trust (Notary v1)', simple: 'Red Hat simple signing', any: 'any' }[s];
}

/** The identity GitHub Actions gives a signing run: the workflow that signs (a reusable one when it is called). */
function expectedIdentityBase(ev: SignatureEvidence, repository: string | undefined): string | undefined {
  const wf = ev.identity?.workflowPath;
  if (!wf) return undefined;
  const remote = /^([^/.][^/]*\/[^/]+)\/(\.github\/workflows\/.+?)(?:@.*)?$/.exec(wf);
  if (remote) return `https://github.com/${remote[1]}/${remote[2]}`;
  if (!repository) return undefined;
  return `https://github.com/${repository}/${wf.replace(/^\.\//, '')}`;
}

/**
 * Keyless signing in Google Cloud Build certifies the build's service account: its OIDC tokens come from Google
 * (https://accounts.google.com), and the service account is the build config's `serviceAccount:` when it is written
 * out, else set on the trigger, outside the repository. A policy that expects another issuer, a GitHub Actions
 * identity or another account rejects what Cloud Build signs; without `serviceAccount:` the subject is unchecked.
 */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

function evaluateGoogleIdentity(id: KeylessIdentity, ev: SignatureEvidence, budget: AnalysisBudget | undefined): TrustResult {
  if (id.issuer) {
    const glob = id.subjectWildcards ? identityGlob(id.issuer, budget) : undefined;
    const ok = glob ? glob.test(GOOGLE_ISSUER) : id.issuer.replace(/\/$/, '') === GOOGLE_ISSUER;
    if (ok === undefined) return notCompared(`the policy's issuer ${id.issuer}`, glob!);
    if (!ok) return { status: 'mismatch', reason: `the policy expects issuer ${id.issuer}; Cloud Build's keyless signatures come from ${GOOGLE_ISSUER} (the build's service account)` };
  }
  if (id.issuerRegExp) {
    const re = identityRegex(id.issuerRegExp, budget);
    const ok = re.test(GOOGLE_ISSUER);
    if (ok === undefined) return notCompared(`the policy's issuerRegExp ${id.issuerRegExp}`, re);
    if (!ok) return { status: 'mismatch', reason: `the policy's issuerRegExp ${id.issuerRegExp} does not match ${GOOGLE_ISSUER}, Cloud Build's issuer` };
  }
  if (id.githubOwner !== undefined) return { status: 'mismatch', reason: `the policy expects GitHub Actions of ${id.githubOwner}; the image is signed in Google Cloud Build` };
  if (id.subject && /^https:\/\/github\.com\//.test(id.subject)) return { status: 'mismatch', reason: `the policy expects the GitHub Actions identity ${id.subject}; Cloud Build signs as the build's service account` };
  // The build config's `serviceAccount:` names the account when it is written out; otherwise the trigger sets it.
  const account = ev.identity?.subject;
  if (account && (id.subject || id.subjectRegExp)) {
    const m = id.subject ? (id.subjectWildcards ? identityGlob(id.subject, budget) : { test: (t: string) => t.toLowerCase() === id.subject!.toLowerCase() }) : identityRegex(id.subjectRegExp!, budget);
    const ok = m.test(account);
    if (ok === undefined) return notCompared(`the policy's subject ${id.subject ?? id.subjectRegExp}`, m);
    return ok ? { status: 'ok' } : { status: 'mismatch', reason: `the policy expects subject ${id.subject ?? id.subjectRegExp}; the build signs as its service account ${account}` };
  }
  return { status: 'unchecked', reason: "Cloud Build signs as the build's service account, which the repository does not show (no serviceAccount: in the build config); the subject is not compared" };
}

export function evaluateIdentity(id: KeylessIdentity, ev: SignatureEvidence, repository: string | undefined, budget?: AnalysisBudget): TrustResult {
  if (ev.identity?.ci === 'cloud-build') return evaluateGoogleIdentity(id, ev, budget);
  if (id.issuer) {
    const issuerGlob = id.subjectWildcards ? identityGlob(id.issuer, budget) : undefined;
    const issuerOk = issuerGlob ? issuerGlob.test(GITHUB_ISSUER) : id.issuer.replace(/\/$/, '') === GITHUB_ISSUER;
    if (issuerOk === undefined) return notCompared(`the policy's issuer ${id.issuer}`, issuerGlob!);
    if (!issuerOk) return { status: 'mismatch', reason: `the policy expects issuer ${id.issuer}; CI's keyless signatures come from ${GITHUB_ISSUER}` };
  }
  if (id.issuerRegExp) {
    const re = identityRegex(id.issuerRegExp, budget);
    const ok = re.test(GITHUB_ISSUER);
    if (ok === undefined) return notCompared(`the policy's issuerRegExp ${id.issuerRegExp}`, re);
    if (!ok) return { status: 'mismatch', reason: `the policy's issuerRegExp ${id.issuerRegExp} does not match ${GITHUB_ISSUER}` };
  }
  if (id.githubOwner !== undefined) {
    if (!repository) return { status: 'unchecked', reason: 'repository name unknown; GitHub Actions owner not compared' };
    const [owner, name] = repository.toLowerCase().split('/');
    if (id.githubOwner.toLowerCase() !== owner || (id.githubRepo && id.githubRepo.toLowerCase() !== name)) return { status: 'mismatch', reason: `the policy expects GitHub Actions of ${id.githubOwner}${id.githubRepo ? '/' + id.githubRepo : ''}; CI runs in ${repository}` };
    return { status: 'ok' };
  }
  const base = expectedIdentityBase(ev, repository);
  const refs = ev.identity?.refs?.filter((r) => r.length > 0) ?? [];
  if (id.subject) {
    if (!/^https:\/\/github\.com\//.test(id.subject) && !/^\*/.test(id.subject)) return { status: 'mismatch', reason: `the policy expects subject ${id.subject}, not a GitHub Actions workflow identity` };
    if (!base) return { status: 'unchecked', reason: `signing workflow or repository unknown; subject ${id.subject} not compared` };
    const subjectGlob = id.subjectWildcards ? identityGlob(id.subject, budget) : undefined;
    const at = id.subject.lastIndexOf('@');
    const subjectBase = at > 0 ? id.subject.slice(0, at) : id.subject;
    if (refs.length > 0) {
      const candidates = refs.map((r) => `${base}@${r}`);
      const ok = subjectGlob ? someMatch(subjectGlob, candidates) : candidates.some((c) => c.toLowerCase() === id.subject!.toLowerCase() || refGlobMatches(id.subject!, c, budget));
      if (ok) return { status: 'ok' };
      if (ok === undefined) return notCompared(`the policy's subject ${id.subject}`, subjectGlob!);
      // Identities in refs may be globs (`refs/tags/v*`): compare the workflow part, then say the ref is unconfirmed.
      if (!subjectGlob && subjectBase.toLowerCase() === base.toLowerCase()) return { status: 'unchecked', reason: `workflow matches; ref ${id.subject.slice(at + 1)} not among CI's trigger refs (${refs.join(', ')})` };
      return { status: 'mismatch', reason: `the policy expects subject ${id.subject}; CI signs as ${candidates.join(' or ')}` };
    }
    let baseOk: boolean | undefined;
    if (subjectGlob) {
      const baseGlob = identityGlob(subjectBase, budget);
      const whole = subjectGlob.test(`${base}@refs/heads/main`);
      const part = whole ? true : baseGlob.test(base);
      baseOk = whole || part ? true : whole === undefined || part === undefined ? undefined : false;
      if (baseOk === undefined) return notCompared(`the policy's subject ${id.subject}`, subjectGlob.unusable ? subjectGlob : baseGlob);
    } else baseOk = subjectBase.toLowerCase() === base.toLowerCase();
    if (baseOk) return { status: 'unchecked', reason: `workflow matches ${id.subject}; the ref CI runs on is not known` };
    return { status: 'mismatch', reason: `the policy expects subject ${id.subject}; CI signs as ${base}@<ref>` };
  }
  if (id.subjectRegExp) {
    const re = identityRegex(id.subjectRegExp, budget);
    if (re.unusable) return { status: 'unchecked', reason: `subjectRegExp ${id.subjectRegExp} is not evaluated: ${re.unusable}` };
    if (!base) return { status: 'unchecked', reason: `signing workflow or repository unknown; subjectRegExp ${id.subjectRegExp} not compared` };
    const candidates = (refs.length > 0 ? refs : ['refs/heads/main', 'refs/tags/v1.0.0']).map((r) => `${base}@${r}`);
    const ok = someMatch(re, candidates);
    if (ok) return { status: 'ok' };
    if (ok === undefined) return notCompared(`the policy's subjectRegExp ${id.subjectRegExp}`, re);
    if (refs.length > 0) return { status: 'mismatch', reason: `the policy's subjectRegExp ${id.subjectRegExp} matches none of CI's identities (${candidates.join(', ')})` };
    return { status: 'unchecked', reason: `subjectRegExp ${id.subjectRegExp} not confirmed: the refs CI signs on are unknown` };
  }
  return { status: 'ok' };
}

function refGlobMatches(subject: string, candidate: string, budget: AnalysisBudget | undefined): boolean {
  // CI refs may themselves be trigger globs (refs/tags/v*): a concrete policy ref inside them matches. One that
  // cannot be compared does not match (the caller then says the ref is unconfirmed, or a mismatch).
  if (!candidate.includes('*')) return false;
  return identityGlob(candidate, budget).test(subject) === true;
}
