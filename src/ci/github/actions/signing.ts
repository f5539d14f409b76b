import { parseImageRef } from '../../../model/image-ref.js';
import type { KeyMaterial, SignOp } from '../../../model/pipeline.js';
import type { SignMethod } from '../../../model/report.js';
import { readGoreleaser } from '../../../detect/goreleaser.js';
import { actionWorkdir, emptyActionResult, input, inputLocation, listInput, mergeReaderResult, type ActionHandler, type ActionStep } from './types.js';

/**
 * sigstore/cosign-installer: records which cosign major version the job gets, because cosign 3 writes Sigstore
 * bundles (OCI referrers) by default while cosign 2 writes the legacy `.sig` tag. Installer v4 → cosign 3,
 * v3 → cosign 2 (the `cosign-release:` input overrides).
 */
export const cosignInstaller: ActionHandler = {
  matches: (a) => a === 'sigstore/cosign-installer',
  run(step) {
    const result = emptyActionResult();
    const release = input(step, 'cosign-release');
    const fromRelease = /^v?(\d+)\./.exec(release)?.[1];
    const version = step.refComment ?? step.ref;
    const installerMajor = /^v?(\d+)/.exec(version)?.[1];
    if (fromRelease) result.cosignMajor = Number(fromRelease);
    else if (installerMajor) {
      const m = Number(installerMajor);
      result.cosignMajor = m >= 4 ? 3 : m === 3 ? 2 : m <= 2 ? 1 : m;
    }
    return result;
  },
};

function signOp(step: ActionStep, method: SignMethod, refs: string[], extra: Partial<SignOp> = {}): SignOp {
  return {
    kind: 'sign',
    tool: step.action,
    method,
    refs: refs.map(parseImageRef),
    keyless: false,
    location: step.location,
    chain: step.ctx.chain,
    guard: step.ctx.guard,
    confidence: refs.every((r) => parseImageRef(r).resolved) ? 'high' : 'medium',
    jobKey: step.ctx.jobKey,
    stepIndex: step.ctx.stepIndex,
    ...(step.ctx.parallelGroup !== undefined ? { parallelGroup: step.ctx.parallelGroup } : {}),
    ...extra,
  };
}

/**
 * actions/attest-build-provenance and actions/attest: a signed (Sigstore, keyless) provenance attestation for
 * `subject-name@subject-digest`. Counted as an equivalent signature, method `attestation`. `subject-path` is
 * for files, not images.
 */
export const attestAction: ActionHandler = {
  matches: (a) => a === 'actions/attest-build-provenance' || a === 'actions/attest' || a === 'actions/attest-sbom',
  run(step) {
    const result = emptyActionResult();
    const names = listInput(step, 'subject-name', /\n/);
    const digest = input(step, 'subject-digest');
    if (names.length === 0 || !digest) return result;
    const refs = names.map((n) => `${n}@${digest}`);
    const pushed = input(step, 'push-to-registry').trim().toLowerCase() === 'true';
    const op = signOp(step, 'attestation', refs, {
      keyless: true,
      signatureFormat: 'bundle',
      notes: [pushed ? 'attestation stored in the registry (push-to-registry: true)' : 'attestation stored only in GitHub’s attestation store (no push-to-registry); admission controllers cannot fetch it from the registry'],
    });
    const fromStep = /steps\.([\w-]+)\.outputs\.digest/.exec(digest)?.[1];
    if (fromStep) op.targetsSteps = [fromStep];
    result.operations.push(op);
    return result;
  },
};

/** notaryproject/notation-action/sign: Notation signature of `target_artifact_reference`. */
export const notationSign: ActionHandler = {
  matches: (a) => a === 'notaryproject/notation-action/sign',
  run(step) {
    const result = emptyActionResult();
    const refs = listInput(step, 'target_artifact_reference', /[\n,]/);
    if (refs.length === 0) return result;
    const plugin = input(step, 'plugin_name');
    const keyId = input(step, 'key_id');
    const key: KeyMaterial | undefined = keyId
      ? { value: keyId, source: plugin ? 'kms' : keyId.includes('${{ secrets.') ? 'secret' : 'unknown', location: inputLocation(step, 'key_id') }
      : undefined;
    result.operations.push(signOp(step, 'notation', refs, key ? { key } : {}));
    return result;
  },
};

/** Actions that sign with Docker Content Trust (e.g. sudo-bot/action-docker-sign). */
export const dockerTrustSign: ActionHandler = {
  matches: (a) => a === 'sudo-bot/action-docker-sign',
  run(step) {
    const result = emptyActionResult();
    const refs = listInput(step, 'image-ref', /\n/);
    if (refs.length) result.operations.push(signOp(step, 'docker-content-trust', refs));
    return result;
  },
};

/** goreleaser/goreleaser-action: delegates to the goreleaser config reader. */
export const goreleaserAction: ActionHandler = {
  matches: (a) => a === 'goreleaser/goreleaser-action',
  run(step) {
    const result = emptyActionResult();
    const args = splitArgs(input(step, 'args'));
    const r = readGoreleaser({
      ...step.ctx,
      repo: step.repo,
      args,
      workdir: actionWorkdir(step),
      env: step.env,
      location: step.location,
      ...(step.repository ? { repository: step.repository } : {}),
    });
    mergeReaderResult(result, r);
    return result;
  },
};

/** ko-build/setup-ko: sets KO_DOCKER_REPO to ghcr.io/<owner>/<repo> (lowercased) unless already set. */
export const setupKo: ActionHandler = {
  matches: (a) => a === 'ko-build/setup-ko' || a === 'imjasonh/setup-ko',
  run(step) {
    const result = emptyActionResult();
    if (!step.env['KO_DOCKER_REPO']) {
      const repo = step.repository ? step.repository.toLowerCase() : '${{ github.repository }}';
      result.envWrites['KO_DOCKER_REPO'] = `ghcr.io/${repo}`;
    }
    return result;
  },
};

/** Splits an action's `args:` string like a shell would for simple quoting. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
