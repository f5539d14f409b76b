import { join } from 'node:path';
import { openRepo } from '../../src/discover/repo.js';
import { analyzeAdmission, type AdmissionResult } from '../../src/admission/index.js';
import type { SignatureEvidence, SignedImageInfo } from '../../src/model/analysis.js';

export function fixture(name: string): string {
  return join(process.cwd(), '__tests__/fixtures/admission', name);
}

export function run(name: string, images: SignedImageInfo[] = [], opts: { repository?: string; requireEnforcement?: boolean; policyRoots?: string[] } = {}): AdmissionResult {
  return analyzeAdmission({
    repo: openRepo(fixture(name)),
    policyRoots: (opts.policyRoots ?? []).map((p) => openRepo(fixture(p))),
    images,
    ...(opts.repository ? { repository: opts.repository } : {}),
    requireEnforcement: opts.requireEnforcement ?? true,
  });
}

export function keyless(overrides: Partial<SignatureEvidence> = {}): SignatureEvidence {
  return {
    method: 'cosign-keyless',
    location: { file: '.github/workflows/release.yml', line: 40 },
    keyless: true,
    identity: { workflowPath: '.github/workflows/release.yml', refs: ['refs/heads/main'] },
    format: 'legacy',
    attestation: false,
    byDigest: true,
    ...overrides,
  };
}

export function keyed(value: string, overrides: Partial<SignatureEvidence> = {}): SignatureEvidence {
  return {
    method: 'cosign-key',
    location: { file: '.github/workflows/release.yml', line: 41 },
    keyless: false,
    key: { value, source: value.endsWith('.key') ? 'file' : 'secret', location: { file: '.github/workflows/release.yml', line: 41 } },
    format: 'legacy',
    attestation: false,
    byDigest: true,
    ...overrides,
  };
}

export function image(name: string, signatures: SignatureEvidence[]): SignedImageInfo {
  return { name, signed: signatures.length > 0, methods: [...new Set(signatures.map((s) => s.method))], signatures, pushes: [{ file: '.github/workflows/release.yml', line: 30 }] };
}

export function rules(r: AdmissionResult): string[] {
  return r.findings.map((f) => f.rule).sort();
}
