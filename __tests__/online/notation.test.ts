// Notation signatures (JWS envelope) as OCI referrers, made in the test with a test CA (openssl) and node:crypto,
// verified against the notation trust store given.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runOnline } from '../../src/online/index.js';
import { finalizeReport } from '../../src/engine/verdict.js';
import type { ImageReport, Report } from '../../src/model/report.js';
import { startRegistry, type RunningRegistry } from '../helpers/online/registry-server.js';
import { OCI_EMPTY, OciPusher, type Descriptor } from '../helpers/online/oci-push.js';

const NOTATION = 'application/vnd.cncf.notary.signature';

function testCa(dir: string, name: string): { caPem: string; leafPem: string; leafKey: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '2', '-subj', `/CN=${name} CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-leaf.key`, '-out', `${name}-leaf.csr`, '-subj', `/CN=${name} release/O=${name}`);
  writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n');
  run('x509', '-req', '-in', `${name}-leaf.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-out', `${name}-leaf.pem`, '-days', '1', '-extfile', 'ext.cnf');
  return { caPem: readFileSync(join(dir, `${name}-ca.pem`), 'utf8'), leafPem: readFileSync(join(dir, `${name}-leaf.pem`), 'utf8'), leafKey: readFileSync(join(dir, `${name}-leaf.key`), 'utf8') };
}

function jws(target: Descriptor, leafPem: string, leafKey: string): string {
  const protectedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', crit: ['io.cncf.notary.signingScheme'], cty: 'application/vnd.cncf.notary.payload.v1+json', 'io.cncf.notary.signingScheme': 'notary.x509', 'io.cncf.notary.signingTime': new Date().toISOString() })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ targetArtifact: target })).toString('base64url');
  const signature = cryptoSign('sha256', Buffer.from(`${protectedHeader}.${payload}`), { key: createPrivateKey(leafKey), dsaEncoding: 'ieee-p1363' }).toString('base64url');
  const der = leafPem.replace(/-----[A-Z ]+-----|\s+/g, '');
  return JSON.stringify({ payload, protected: protectedHeader, header: { x5c: [der], 'io.cncf.notary.signingAgent': 'test' }, signature });
}

const signed = (name: string): ImageReport => ({ name, signed: true, methods: ['notation'], byDigest: true, confidence: 'high', pushes: [{ file: '.github/workflows/release.yml', line: 1 }], signatures: [{ file: '.github/workflows/release.yml', line: 7, method: 'notation' }], tags: ['1.0.0'] });
const report = (i: ImageReport): Report => finalizeReport({ version: 1, verdict: 'pass', sentence: '', repository: 'acme/api', images: [i], localBuilds: [], enforcement: [], findings: [], limits: [], stats: { filesScanned: 0, workflows: 0, manifestsParsed: 0 } });

describe('notation signatures', { concurrency: false }, () => {
  let registry: RunningRegistry;
  let dir: string;
  let ours: ReturnType<typeof testCa>;
  let theirs: ReturnType<typeof testCa>;
  let push: OciPusher;
  before(async () => {
    registry = await startRegistry();
    dir = mkdtempSync(join(tmpdir(), 'isa-notation-'));
    ours = testCa(dir, 'acme');
    theirs = testCa(dir, 'other');
    push = new OciPusher(registry.url);
  });
  after(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const attach = async (name: string, subject: Descriptor, envelope: string) => {
    const empty = await push.blob(name, Buffer.from('{}'), OCI_EMPTY);
    const layer = await push.blob(name, Buffer.from(envelope), 'application/jose+json');
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: NOTATION, config: empty, layers: [layer], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } };
    const ref = await push.manifest(name, 'notation-tmp', manifest);
    await push.addToFallbackIndex(name, subject.digest, { ...ref, artifactType: NOTATION });
  };
  const go = (name: string, roots: string[]) =>
    runOnline(report(signed(`ghcr.io/${name}`)), { mode: 'true', transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': registry.url }, notationCertificates: roots.map((pem, i) => ({ pem, source: `ca-${i}.pem` })) }).then(finalizeReport);

  it('a JWS signature from our CA over this digest is confirmed', async () => {
    const img = await push.image('acme/notary', '1.0.0', 'notary');
    await attach('acme/notary', img, jws(img, ours.leafPem, ours.leafKey));
    const out = await go('acme/notary', [ours.caPem]);
    const online = out.images[0]!.online!;
    assert.equal(online.status, 'confirmed', JSON.stringify(online, null, 1));
    assert.equal(online.evidence[0]!.format, 'notation');
    assert.match(online.evidence[0]!.detail, /^notation signature verified; signed by .*CN=acme release/);
    assert.deepEqual(out.findings, []);
  });

  it('a signature from another CA, or without a trust store, is not confirmed', async () => {
    const img = await push.image('acme/notary2', '1.0.0', 'notary2');
    await attach('acme/notary2', img, jws(img, theirs.leafPem, theirs.leafKey));
    const foreign = await go('acme/notary2', [ours.caPem]);
    assert.equal(foreign.images[0]!.online!.status, 'invalid');
    assert.match(foreign.images[0]!.online!.evidence[0]!.detail, /does not lead to a certificate of the notation trust store/);
    assert.deepEqual(foreign.findings.map((f) => f.rule), ['signature-not-in-registry']);
    const none = await go('acme/notary2', []);
    assert.equal(none.images[0]!.online!.status, 'not-checked');
    assert.deepEqual(none.findings.map((f) => f.rule), ['online-check-failed']);
  });

  it('a signature over another digest, or a tampered one, does not verify', async () => {
    const img = await push.image('acme/notary3', '1.0.0', 'notary3');
    const other = await push.image('acme/notary3', 'other', 'other');
    await attach('acme/notary3', img, jws(other, ours.leafPem, ours.leafKey));
    const out = await go('acme/notary3', [ours.caPem]);
    assert.equal(out.images[0]!.online!.evidence[0]!.result, 'wrong-subject');
    const img4 = await push.image('acme/notary4', '1.0.0', 'notary4');
    const env = JSON.parse(jws(img4, ours.leafPem, ours.leafKey)) as { signature: string };
    env.signature = Buffer.from(Buffer.from(env.signature, 'base64url').map((b, i) => (i === 5 ? b ^ 1 : b))).toString('base64url');
    await attach('acme/notary4', img4, JSON.stringify(env));
    const bad = await go('acme/notary4', [ours.caPem]);
    assert.match(bad.images[0]!.online!.evidence[0]!.detail, /JWS signature does not verify/);
  });
});
