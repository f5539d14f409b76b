// The OCI client's auth flow and bounds, against a scripted transport (no network).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget, parseBearerChallenge, RegistryClient, type Transport } from '../../src/online/registry.js';
import { endpointFor, expectedIdentity, splitName } from '../../src/online/confirm.js';
import { parseEndpoint } from '../../src/online/options.js';
import { derUtf8 } from '../../src/online/sigstore.js';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
}

function scripted(realm: string, manifest = '{"schemaVersion":2}'): { transport: Transport; seen: Seen[] } {
  const seen: Seen[] = [];
  const transport: Transport = async (url, init) => {
    seen.push({ url, method: init.method, headers: init.headers });
    const u = new URL(url);
    if (u.pathname === new URL(realm).pathname && u.host === new URL(realm).host) return new Response(JSON.stringify({ token: 'tok' }), { status: 200 });
    if (init.headers['Authorization'] !== 'Bearer tok') return new Response('', { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="${realm}",service="ghcr.io",scope="repository:user/image:pull"` } });
    return new Response(manifest, { status: 200, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  };
  return { transport, seen };
}

const client = (transport: Transport, over: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) =>
  new RegistryClient({ transport, host: 'ghcr.io', endpoint: 'https://ghcr.io', budget: new Budget(40, 10_000), timeoutMs: 1000, maxManifestBytes: 1024, maxBlobBytes: 1024, ...over });

describe('registry client', () => {
  it('answers a 401 Bearer challenge with a token for the image\'s own scope, anonymously', async () => {
    const { transport, seen } = scripted('https://ghcr.io/token');
    const m = await client(transport).manifest('acme/api', 'latest');
    assert.equal(m.json['schemaVersion'], 2);
    const tokenReq = seen.find((s) => s.url.startsWith('https://ghcr.io/token'))!;
    assert.equal(new URL(tokenReq.url).searchParams.get('scope'), 'repository:acme/api:pull');
    assert.equal(tokenReq.headers['Authorization'], undefined);
  });

  it('sends credentials to a realm on the registry\'s own domain over https only', async () => {
    const same = scripted('https://auth.ghcr.io/token');
    await client(same.transport, { credentials: { username: 'u', password: 'p' } }).manifest('acme/api', 'latest');
    assert.match(same.seen.find((s) => s.url.includes('/token'))!.headers['Authorization'] ?? '', /^Basic /);

    const foreign = scripted('https://evil.example/token');
    const c = client(foreign.transport, { credentials: { username: 'u', password: 'p' } });
    await c.manifest('acme/api', 'latest');
    assert.equal(foreign.seen.find((s) => s.url.includes('/token'))!.headers['Authorization'], undefined);
    assert.match(c.notes[0]!, /credentials withheld from token realm evil\.example/);

    const plain = scripted('http://ghcr.io/token');
    await assert.rejects(client(plain.transport, { credentials: { username: 'u', password: 'p' } }).manifest('acme/api', 'latest'), /is not https/);
  });

  it('refuses a manifest over the size bound and one whose digest does not match', async () => {
    const { transport } = scripted('https://ghcr.io/token', 'x'.repeat(2000));
    await assert.rejects(client(transport).manifest('acme/api', 'latest'), /over the 1024-byte bound/);
    const ok = scripted('https://ghcr.io/token');
    await assert.rejects(client(ok.transport).manifest('acme/api', 'sha256:' + '0'.repeat(64)), /has digest sha256:/);
  });

  it('stops at the request budget', async () => {
    const { transport } = scripted('https://ghcr.io/token');
    await assert.rejects(client(transport, { budget: new Budget(2, 10_000) }).manifest('acme/api', 'latest'), /request budget of 2 used up/);
  });
});

describe('online options and names', () => {
  it('parses Bearer challenges', () => {
    assert.deepEqual(parseBearerChallenge('Bearer realm="https://a/token",service="a",scope="repository:x:pull"'), { realm: 'https://a/token', service: 'a', scope: 'repository:x:pull' });
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
  });
  it('plain http endpoints only for loopback', () => {
    assert.deepEqual(parseEndpoint('ghcr.io=http://127.0.0.1:5000/'), { host: 'ghcr.io', url: 'http://127.0.0.1:5000' });
    assert.ok('error' in parseEndpoint('ghcr.io=http://10.0.0.1:5000'));
    assert.ok('error' in parseEndpoint('ghcr.io=https://u:p@mirror.example'));
    assert.deepEqual(endpointFor('docker.io', undefined), { url: 'https://registry-1.docker.io' });
    assert.ok('error' in endpointFor('ghcr.io', { 'ghcr.io': 'http://192.168.1.1' }));
  });
  it('only fully resolved names are asked for', () => {
    assert.deepEqual(splitName('ghcr.io/acme/api'), { host: 'ghcr.io', path: 'acme/api' });
    assert.equal(splitName('ghcr.io/${{ github.repository }}'), undefined);
    assert.equal(splitName('(not inspected) acme/x/.github/workflows/a.yml@v1'), undefined);
  });
  it('the expected SAN is escaped and anchored', () => {
    const id = expectedIdentity(
      { name: 'ghcr.io/a.b/c', signed: true, methods: ['cosign-keyless'], byDigest: true, confidence: 'high', pushes: [], signatures: [{ file: '.github/workflows/release.yml', line: 1, method: 'cosign-keyless' }] },
      'a.b/c',
    );
    assert.ok(id.san.test('https://github.com/a.b/c/.github/workflows/release.yml@refs/tags/v1'));
    assert.ok(!id.san.test('https://github.com/aXb/c/.github/workflows/release.yml@refs/tags/v1'));
    assert.ok(!id.san.test('https://github.com/a.b/c/.github/workflows/releaseXyml@refs/tags/v1'));
    assert.ok(!id.san.test('https://evil.example/?https://github.com/a.b/c/.github/workflows/release.yml@refs/tags/v1'));
    assert.ok(!id.san.test('https://github.com/a.b/c/.github/workflows/release.yml@refs/tags/v1 trailing'));
    assert.equal(id.sourceRepository, 'https://github.com/a.b/c');
  });
  it('reads DER UTF8String extension values', () => {
    assert.equal(derUtf8(Buffer.from([0x0c, 3, 0x61, 0x62, 0x63])), 'abc');
    assert.equal(derUtf8(Buffer.from('raw')), 'raw');
  });
});

describe('CLI and Action inputs for confirm-online', () => {
  it('parses the CLI flags', async () => {
    const { parseCliArgs } = await import('../../src/cli-args.js');
    const a = parseCliArgs(['.', '--confirm-online=required', '--registry-endpoint', 'ghcr.io=http://127.0.0.1:5000', '--confirm-reference', '1.2.0'], {});
    assert.ok(!('error' in a));
    assert.deepEqual(a.online, { mode: 'required', endpoints: { 'ghcr.io': 'http://127.0.0.1:5000' }, publicKeys: [], reference: '1.2.0' });
    const off = parseCliArgs(['.'], {});
    assert.ok(!('error' in off) && off.online === undefined);
    assert.ok('error' in parseCliArgs(['.', '--confirm-online=maybe'], {}));
  });
  it('parses the Action inputs, off by default', async () => {
    const { parseInputs } = await import('../../src/action/inputs.js');
    const get = (m: Record<string, string>) => (n: string) => m[n] ?? '';
    const off = parseInputs(get({}));
    assert.ok(!('error' in off) && off.online === undefined);
    const on = parseInputs(get({ 'confirm-online': 'true', 'registry-endpoints': 'ghcr.io=http://127.0.0.1:5000\ndocker.io=https://mirror.example', 'trusted-root': 'root.json', 'confirm-reference': 'sha256:' + 'a'.repeat(64) }));
    assert.ok(!('error' in on));
    assert.deepEqual(on.online, { mode: 'true', endpoints: { 'ghcr.io': 'http://127.0.0.1:5000', 'docker.io': 'https://mirror.example' }, publicKeys: [], trustedRoot: 'root.json', reference: 'sha256:' + 'a'.repeat(64) });
    assert.ok('error' in parseInputs(get({ 'confirm-online': 'yes' })));
    assert.ok('error' in parseInputs(get({ 'confirm-online': 'true', 'registry-endpoints': 'ghcr.io=http://example.com' })));
  });
});

describe('newest semantic-version tag', () => {
  it('orders numerically and ignores pre-releases and other tags', async () => {
    const { newestSemverTag } = await import('../../src/online/confirm.js');
    assert.equal(newestSemverTag(['1.2.0', '1.10.0', 'v1.9.9', '2.0.0-rc.1', 'latest', 'sha256-abc.sig']), '1.10.0');
    assert.equal(newestSemverTag(['latest', 'main']), undefined);
  });
});
