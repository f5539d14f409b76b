// Online confirmation against a real registry (Debian's docker-registry on 127.0.0.1) with signatures made by
// @sigstore/sign against @sigstore/mock's Fulcio, Rekor and CT log on loopback, and key-based ones from node:crypto.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runOnline } from '../../src/online/index.js';
import type { ImageReport, Report } from '../../src/model/report.js';
import { finalizeReport } from '../../src/engine/verdict.js';
import { startRegistry, type RunningRegistry } from '../helpers/online/registry-server.js';
import { OCI_EMPTY, OciPusher, simpleSigningPayload } from '../helpers/online/oci-push.js';
import { startMockSigstore, type Identity, type MockSigstore } from '../helpers/online/sigstore-mock.js';
import { renderText } from '../../src/render/text.js';
import { renderJson } from '../../src/render/json.js';

const REPO = 'acme/api';
const RELEASE: Identity = { repository: REPO, workflow: '.github/workflows/release.yml@refs/heads/main' };

function image(name: string, tag: string, over: Partial<ImageReport> = {}): ImageReport {
  return {
    name,
    signed: true,
    methods: ['cosign-keyless'],
    byDigest: true,
    confidence: 'high',
    pushes: [{ file: '.github/workflows/release.yml', line: 12, ci: 'github-actions' }],
    signatures: [{ file: '.github/workflows/release.yml', line: 20, method: 'cosign-keyless', ci: 'github-actions' }],
    tags: [tag],
    coveredBy: ['kyverno ClusterPolicy/verify (deploy/policy.yaml:1)'],
    ...over,
  };
}

function report(images: ImageReport[]): Report {
  return finalizeReport({ version: 1, verdict: 'pass', sentence: '', repository: REPO, images, localBuilds: [], enforcement: [], findings: [], limits: [], stats: { filesScanned: 1, workflows: 1, manifestsParsed: 0 } });
}

let registry: RunningRegistry;
let sigstore: MockSigstore;
let foreign: MockSigstore;
let push: OciPusher;

const run = (r: Report, over: Partial<Parameters<typeof runOnline>[1]> = {}) =>
  runOnline(r, { mode: 'true', transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': registry.url }, trustedRoot: { text: sigstore.trustedRoot, source: 'test-root.json' }, ...over }).then(finalizeReport);

describe('online confirmation (real registry, mock Sigstore)', { concurrency: false }, () => {
  before(async () => {
    [registry, sigstore, foreign] = await Promise.all([startRegistry(), startMockSigstore(), startMockSigstore()]);
    push = new OciPusher(registry.url);
  });
  after(async () => {
    await Promise.all([registry?.stop(), sigstore?.stop(), foreign?.stop()]);
  });

  it('confirms a cosign 3 bundle stored as a referrer through the fallback tag (entries marked empty)', async () => {
    const img = await push.image('acme/api', '1.0.0', 'v1');
    // Another referrer first (an SBOM-like artifact), then the signature: both listed with the empty artifact type.
    const sbomLayer = await push.blob('acme/api', Buffer.from('{"sbom":true}'), 'application/spdx+json');
    const emptyCfg = await push.blob('acme/api', Buffer.from('{}'), OCI_EMPTY);
    const sbom = await push.manifest('acme/api', 'sbom-tmp', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json', config: emptyCfg, layers: [sbomLayer], subject: img });
    await push.addToFallbackIndex('acme/api', img.digest, { ...sbom, artifactType: OCI_EMPTY });
    await push.attachBundle('acme/api', img, await sigstore.signBundle(img.digest, RELEASE));
    const out = await run(report([image('ghcr.io/acme/api', '1.0.0')]));
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'confirmed', JSON.stringify(online, null, 1));
    assert.equal(online.digest, img.digest);
    assert.equal(online.reference, 'ghcr.io/acme/api:1.0.0');
    const verified = online.evidence.find((e) => e.result === 'verified')!;
    assert.equal(verified.format, 'sigstore-bundle');
    assert.match(verified.location, /fallback tag sha256-/);
    assert.equal(verified.identity?.sourceRepository, 'https://github.com/acme/api');
    assert.equal(verified.identity?.san, 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main');
    assert.deepEqual(out.findings.map((f) => f.rule), []);
    assert.match(out.sentence, /^1 of 1 image is signed \(1 confirmed in the registry\); /);
    assert.ok(online.requests > 0 && online.requests <= 40, String(online.requests));
  });

  it('confirms a legacy cosign 2 keyless signature (sha256-<hex>.sig), rebuilt into a bundle', async () => {
    const img = await push.image('acme/legacy', '2.0.0', 'legacy');
    const payload = simpleSigningPayload('ghcr.io/acme/legacy', img.digest);
    await push.attachLegacySignature('acme/legacy', img.digest, payload, await sigstore.signLegacy(payload, RELEASE));
    const out = await run(report([image('ghcr.io/acme/legacy', '2.0.0')]));
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'confirmed', JSON.stringify(online, null, 1));
    assert.equal(online.evidence[0]!.format, 'cosign-legacy');
    assert.deepEqual(out.findings, []);
  });

  it('confirms a key-based legacy signature with the given public key, and refuses another key', async () => {
    const img = await push.image('acme/keyed', '1.0.0', 'keyed');
    const payload = simpleSigningPayload('ghcr.io/acme/keyed', img.digest);
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await push.attachLegacySignature('acme/keyed', img.digest, payload, { 'dev.cosignproject.cosign/signature': cryptoSign('sha256', payload, key.privateKey).toString('base64') });
    const keyed = image('ghcr.io/acme/keyed', '1.0.0', { methods: ['cosign-key'], signatures: [{ file: '.github/workflows/release.yml', line: 20, method: 'cosign-key' }] });
    const good = await run(report([keyed]), { publicKeys: [{ pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), source: 'cosign.pub' }] });
    assert.equal(good.images[0]!.online!.status, 'confirmed');
    const bad = await run(report([keyed]), { publicKeys: [{ pem: other.publicKey.export({ type: 'spki', format: 'pem' }).toString(), source: 'other.pub' }] });
    assert.equal(bad.images[0]!.online!.status, 'invalid');
    assert.deepEqual(bad.findings.map((f) => f.rule), ['signature-not-in-registry']);
    assert.equal(bad.verdict, 'fail');
  });

  it('a signature from another workflow of the repository is an identity mismatch', async () => {
    const img = await push.image('acme/wf', '1.0.0', 'wf');
    await push.attachBundle('acme/wf', img, await sigstore.signBundle(img.digest, { repository: REPO, workflow: '.github/workflows/debug.yml@refs/heads/main' }));
    const out = await run(report([image('ghcr.io/acme/wf', '1.0.0')]));
    assert.equal(out.images[0]!.online!.status, 'invalid');
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['signature-identity-mismatch', 'error']]);
    assert.match(out.findings[0]!.message, /debug\.yml.*expected https:\/\/github\.com\/acme\/api\/\.github\/workflows\/release\.yml@<ref>/);
    assert.equal(out.findings[0]!.file, '.github/workflows/release.yml');
    assert.equal(out.verdict, 'fail');
  });

  it("the same reusable workflow called from another repository is refused by the source-repository extension", async () => {
    const img = await push.image('acme/reuse', '1.0.0', 'reuse');
    // SAN: acme/api's own release.yml (a reusable workflow), but the run was in evil/fork.
    await push.attachBundle('acme/reuse', img, await sigstore.signBundle(img.digest, { repository: 'evil/fork', workflowRepository: REPO, workflow: '.github/workflows/release.yml@refs/heads/main' }));
    const out = await run(report([image('ghcr.io/acme/reuse', '1.0.0')]));
    const e = out.images[0]!.online!.evidence[0]!;
    assert.equal(e.result, 'identity-mismatch');
    assert.match(e.detail, /^source repository https:\/\/github\.com\/evil\/fork, expected https:\/\/github\.com\/acme\/api$/);
    assert.deepEqual(out.findings.map((f) => f.rule), ['signature-identity-mismatch']);
  });

  it('a bundle that chains to a foreign trusted root does not verify', async () => {
    const img = await push.image('acme/foreign', '1.0.0', 'foreign');
    await push.attachBundle('acme/foreign', img, await foreign.signBundle(img.digest, RELEASE));
    const out = await run(report([image('ghcr.io/acme/foreign', '1.0.0')]));
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'invalid');
    assert.match(online.evidence[0]!.detail, /does not verify against trusted root test-root\.json/);
    assert.deepEqual(out.findings.map((f) => f.rule), ['signature-not-in-registry']);
  });

  it('the tag re-pushed to an unsigned image: signature-not-in-registry', async () => {
    const img = await push.image('acme/repush', '1.0.0', 'signed');
    await push.attachBundle('acme/repush', img, await sigstore.signBundle(img.digest, RELEASE));
    assert.equal((await run(report([image('ghcr.io/acme/repush', '1.0.0')]))).images[0]!.online!.status, 'confirmed');
    const unsigned = await push.image('acme/repush', '1.0.0', 'replaced by hand');
    const out = await run(report([image('ghcr.io/acme/repush', '1.0.0')]));
    assert.equal(out.images[0]!.online!.digest, unsigned.digest);
    assert.equal(out.images[0]!.online!.status, 'missing');
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['signature-not-in-registry', 'error']]);
    assert.match(out.findings[0]!.message, /the registry serves ghcr\.io\/acme\/repush:1\.0\.0 \(sha256:[0-9a-f]{64}\) and no signature was found for it/);
    assert.equal(out.verdict, 'fail');
    assert.match(out.sentence, /\(0 confirmed in the registry\)/);
  });

  it("another image's valid signature attached as a referrer is not a signature of this digest", async () => {
    const mine = await push.image('acme/swap', '1.0.0', 'mine');
    const theirs = await push.image('acme/swap', 'other', 'theirs');
    await push.attachBundle('acme/swap', mine, await sigstore.signBundle(theirs.digest, RELEASE));
    const out = await run(report([image('ghcr.io/acme/swap', '1.0.0')]));
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'invalid');
    assert.equal(online.evidence[0]!.result, 'wrong-subject');
    assert.deepEqual(out.findings.map((f) => f.rule), ['signature-not-in-registry']);
  });

  it('what the registry serves is untrusted: a hostile subject field cannot forge output lines', async () => {
    const img = await push.image('acme/hostile', '1.0.0', 'hostile');
    const emptyCfg = await push.blob('acme/hostile', Buffer.from('{}'), OCI_EMPTY);
    const layer = await push.blob('acme/hostile', Buffer.from('{}'), 'application/vnd.dev.sigstore.bundle.v0.3+json');
    const evil = await push.manifest('acme/hostile', 'evil', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', config: emptyCfg, layers: [layer], subject: { mediaType: img.mediaType, digest: 'x\n::error file=a::forged\u202e', size: 1 } });
    await push.addToFallbackIndex('acme/hostile', img.digest, { ...evil, artifactType: OCI_EMPTY });
    const out = await run(report([image('ghcr.io/acme/hostile', '1.0.0')]));
    assert.equal(out.images[0]!.online!.evidence[0]!.result, 'wrong-subject');
    const text = renderText(out);
    assert.ok(!text.split('\n').some((l) => l.trimStart().startsWith('::')), text);
    assert.ok(!text.includes('\u202e'));
    assert.ok(!renderJson(out).includes('\u202e'));
  });

  it('an attestation alone is attested-only, and not a signature', async () => {
    const img = await push.image('acme/att', '1.0.0', 'att');
    await push.attachBundle('acme/att', img, await sigstore.signBundle(img.digest, RELEASE, 'https://slsa.dev/provenance/v1'));
    const out = await run(report([image('ghcr.io/acme/att', '1.0.0')]));
    assert.equal(out.images[0]!.online!.status, 'attested-only');
    assert.deepEqual(out.findings.map((f) => f.rule), ['signature-not-in-registry']);
  });

  it('--confirm-reference checks the digest given', async () => {
    const img = await push.image('acme/bydigest', 'x', 'by digest');
    await push.attachBundle('acme/bydigest', img, await sigstore.signBundle(img.digest, RELEASE));
    const out = await run(report([image('ghcr.io/acme/bydigest', '$TAG', { tags: [] })]), { reference: img.digest });
    assert.equal(out.images[0]!.online!.status, 'confirmed');
    assert.equal(out.images[0]!.online!.reference, `ghcr.io/acme/bydigest@${img.digest}`);
  });

  it('without a literal tag, the newest semantic-version tag the registry lists is checked', async () => {
    for (const [tag, content] of [['1.2.0', 'a'], ['1.10.0-rc.1', 'b'], ['latest', 'c'], ['0.9.9', 'd']] as const) await push.image('acme/semver', tag, content);
    const newest = await push.image('acme/semver', 'v1.10.0', 'newest');
    await push.attachBundle('acme/semver', newest, await sigstore.signBundle(newest.digest, RELEASE));
    const out = await run(report([image('ghcr.io/acme/semver', '${{ steps.meta.outputs.version }}')]));
    const online = out.images[0]!.online!;
    assert.equal(online.reference, 'ghcr.io/acme/semver:v1.10.0');
    assert.equal(online.status, 'confirmed');
    assert.match(online.reason ?? '', /newest semantic-version tag/);
  });

  it('without a literal tag or a reference, and no release tag in the registry, the image is not checked, and says why', async () => {
    const out = await run(report([image('ghcr.io/acme/notags', '${{ steps.meta.outputs.version }}')]));
    assert.equal(out.images[0]!.online!.status, 'not-checked');
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['online-check-failed', 'note']]);
    assert.match(out.findings[0]!.message, /confirm-reference/);
  });
});

describe('online confirmation: a registry that fails', () => {
  let server: Server;
  let url = '';
  const sockets = new Set<import('node:net').Socket>();
  before(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('/hang/')) return; // never answers
      res.writeHead(500).end('boom');
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const go = (name: string, mode: 'true' | 'required') =>
    runOnline(report([image(`ghcr.io/${name}`, '1.0.0')]), { mode, transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': url }, timeoutMs: 300, budgetMs: 5000 }).then(finalizeReport);

  it('HTTP 500 degrades to a note and the static verdict stands', async () => {
    const out = await go('acme/api', 'true');
    assert.equal(out.images[0]!.online!.status, 'not-checked');
    assert.match(out.images[0]!.online!.reason!, /HTTP 500/);
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['online-check-failed', 'note']]);
    assert.equal(out.verdict, 'pass');
  });

  it('under required, the same failure is an error that fails the check', async () => {
    const out = await go('acme/api', 'required');
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['online-check-failed', 'error']]);
    assert.equal(out.verdict, 'fail');
  });

  it('a registry that hangs times out per request and the run finishes', async () => {
    const started = Date.now();
    const out = await go('hang/api', 'true');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(out.images[0]!.online!.status, 'not-checked');
    assert.match(out.images[0]!.online!.reason!, /no answer within 300 ms/);
    assert.equal(out.verdict, 'pass');
  });
});
