// Hand-built reports in the shapes the engine produces, for renderer tests.
import type { FindingReport, ImageReport, Report } from '../../src/model/report.js';

export function image(name: string, over: Partial<ImageReport> = {}): ImageReport {
  return {
    name,
    signed: true,
    methods: ['cosign-keyless'],
    byDigest: true,
    confidence: 'high',
    pushes: [{ file: '.github/workflows/release.yml', line: 42 }],
    signatures: [{ file: '.github/workflows/release.yml', line: 50, method: 'cosign-keyless' }],
    ...over,
  };
}

export function finding(rule: string, over: Partial<FindingReport> = {}): FindingReport {
  return { rule, severity: 'error', message: `${rule} message`, file: '.github/workflows/release.yml', line: 42, related: [], ...over };
}

export function report(over: Partial<Report> = {}): Report {
  return {
    version: 1,
    verdict: 'fail',
    sentence: '1 of 2 images are signed; verification enforced via none found.',
    repository: 'acme/widget',
    images: [image('ghcr.io/acme/widget'), image('docker.io/acme/widget', { signed: false, methods: [], byDigest: null, signatures: [] })],
    localBuilds: [{ name: 'localhost:5000/acme/widget', reason: 'pushed to the job registry service', file: '.github/workflows/ci.yml', line: 30 }],
    enforcement: [
      { engine: 'kyverno', kind: 'ClusterPolicy', name: 'verify-images', mode: 'enforce', file: 'deploy/policy.yaml', line: 3, images: ['ghcr.io/acme/*'], covers: ['ghcr.io/acme/widget'], counted: true, deployedBy: 'listed in deploy/kustomization.yaml:4, applied by kubectl apply -k deploy (.github/workflows/deploy.yml:20)' },
      { engine: 'kyverno', kind: 'ClusterPolicy', name: 'example', mode: 'audit', file: 'docs/example.yaml', line: 1, images: ['*'], covers: [], counted: false, notCountedReason: 'in an examples/samples folder (add it with policy-paths to count it)' },
    ],
    findings: [
      finding('unsigned-image', { image: 'docker.io/acme/widget', message: 'docker.io/acme/widget is pushed at .github/workflows/release.yml:42 and never signed.', related: [{ file: '.github/workflows/release.yml', line: 20, message: 'image name set here' }] }),
      finding('signed-by-tag', { severity: 'warning', line: 50, message: 'cosign signs ghcr.io/acme/widget:latest by tag.' }),
      finding('no-admission-enforcement', { file: '.github/workflows/release.yml', line: 1, suppressed: { reason: 'enforced in the platform repo', source: 'config' } }),
    ],
    limits: ['remote workflow acme/shared/.github/workflows/build.yml@v1 not inspected'],
    stats: { filesScanned: 10, workflows: 2, manifestsParsed: 1 },
    ...over,
  };
}

/** Every kind of hostile text that must not become a command, markup or a table break. */
export const HOSTILE = '::error file=x,line=1::pwned%0A\n::warning::pwned\r\n<img src=x onerror=alert(1)> | `code` <script>alert(1)</script> [link](https://evil.example) **bold** $x$ @someone \u202e';
