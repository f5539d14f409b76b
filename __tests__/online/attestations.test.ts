// GitHub artifact attestations through the REST API (a fake API on 127.0.0.1): the inline bundle and the
// snappy-compressed bundle_url, fetched without the token; bundles made with @sigstore/sign against the mock.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runOnline } from '../../src/online/index.js';
import { snappyDecompress } from '../../src/online/snappy.js';
import { finalizeReport } from '../../src/engine/verdict.js';
import type { ImageReport, Report } from '../../src/model/report.js';
import { startRegistry, type RunningRegistry } from '../helpers/online/registry-server.js';
import { OciPusher } from '../helpers/online/oci-push.js';
import { startMockSigstore, type MockSigstore } from '../helpers/online/sigstore-mock.js';

/** Snappy block format with literals only (a valid stream any decoder must read). */
function snappyLiterals(data: Buffer): Buffer {
  const head: number[] = [];
  let n = data.length;
  do {
    head.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const parts: Buffer[] = [Buffer.from(head)];
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536);
    const len = chunk.length - 1;
    parts.push(Buffer.from([61 << 2, len & 0xff, len >> 8]), chunk);
  }
  return Buffer.concat(parts);
}

const attested = (name: string): ImageReport => ({ name, signed: true, methods: ['attestation'], byDigest: true, confidence: 'high', pushes: [{ file: '.github/workflows/release.yml', line: 1 }], signatures: [{ file: '.github/workflows/release.yml', line: 9, method: 'attestation' }], tags: ['1.0.0'] });
const report = (i: ImageReport): Report => finalizeReport({ version: 1, verdict: 'pass', sentence: '', repository: 'acme/api', images: [i], localBuilds: [], enforcement: [], findings: [], limits: [], stats: { filesScanned: 0, workflows: 0, manifestsParsed: 0 } });

describe('GitHub artifact attestations (REST API)', { concurrency: false }, () => {
  let registry: RunningRegistry;
  let sigstore: MockSigstore;
  let api: Server;
  let apiUrl = '';
  const answers = new Map<string, { body: Buffer; type: string }>();
  const seen: Array<{ path: string; auth: string | undefined }> = [];
  before(async () => {
    [registry, sigstore] = await Promise.all([startRegistry(), startMockSigstore()]);
    api = createServer((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers['authorization'] });
      const a = answers.get((req.url ?? '').split('?')[0]!);
      if (!a) return void res.writeHead(404).end('{}');
      res.writeHead(200, { 'Content-Type': a.type }).end(a.body);
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => api.close(() => r()));
    await Promise.all([registry?.stop(), sigstore?.stop()]);
  });

  it('an inline bundle and a bundle_url (snappy, fetched without the token) verify: attested-only, no signature finding', async () => {
    const img = await new OciPusher(registry.url).image('acme/attested', '1.0.0', 'attested');
    const id = { repository: 'acme/api', workflow: '.github/workflows/release.yml@refs/heads/main' };
    const inline = JSON.parse(await sigstore.signBundle(img.digest, id, 'https://slsa.dev/provenance/v1')) as unknown;
    const stored = await sigstore.signBundle(img.digest, id, 'https://slsa.dev/provenance/v1');
    answers.set('/blob/1', { body: snappyLiterals(Buffer.from(stored)), type: 'application/octet-stream' });
    answers.set(`/repos/acme/api/attestations/${img.digest}`, { body: Buffer.from(JSON.stringify({ attestations: [{ bundle: inline }, { bundle: null, bundle_url: `${apiUrl}/blob/1` }] })), type: 'application/json' });
    seen.length = 0;
    const out = finalizeReport(await runOnline(report(attested('ghcr.io/acme/attested')), { mode: 'true', transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': registry.url }, trustedRoot: { text: sigstore.trustedRoot, source: 'root' }, githubApi: { url: apiUrl, token: 'ghs_secret' } }));
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'attested-only', JSON.stringify(online, null, 1));
    assert.deepEqual(online.evidence.map((e) => [e.format, e.result, e.kind]), [['github-attestation', 'verified', 'attestation'], ['github-attestation', 'verified', 'attestation']]);
    assert.match(online.evidence[1]!.location, /bundle_url 127\.0\.0\.1/);
    assert.deepEqual(out.findings, []);
    assert.equal(seen.find((s) => s.path.startsWith('/repos/'))!.auth, 'Bearer ghs_secret');
    assert.equal(seen.find((s) => s.path === '/blob/1')!.auth, undefined, 'the storage URL never gets the token');
  });

  it('an API that fails leaves a reason, and the registry result stands', async () => {
    const img = await new OciPusher(registry.url).image('acme/apifail', '1.0.0', 'apifail');
    const out = finalizeReport(await runOnline(report(attested('ghcr.io/acme/apifail')), { mode: 'true', transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': registry.url }, trustedRoot: { text: sigstore.trustedRoot, source: 'root' }, githubApi: { url: 'http://127.0.0.1:9' } }));
    assert.equal(out.images[0]!.online!.digest, img.digest);
    assert.equal(out.images[0]!.online!.status, 'missing');
    assert.match(out.images[0]!.online!.reason ?? '', /GitHub attestations not checked/);
  });
});

describe('snappy block decompression', () => {
  it('reads literals and back-references, and refuses what is out of bounds', () => {
    assert.equal(snappyDecompress(Buffer.from([0x0c, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x11, 0x04]), 100).toString(), 'abcdabcdabcd');
    assert.throws(() => snappyDecompress(Buffer.from([0x0c, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x11, 0x09]), 100), /bad back-reference/);
    assert.throws(() => snappyDecompress(Buffer.from([0xff, 0xff, 0xff, 0x7f]), 1000), /over the 1000-byte bound/);
    assert.throws(() => snappyDecompress(Buffer.from([0x05, 0x0c, 0x61]), 100), /truncated/);
    assert.equal(snappyDecompress(snappyLiterals(Buffer.alloc(70000, 0x41)), 100000).length, 70000);
  });
});
