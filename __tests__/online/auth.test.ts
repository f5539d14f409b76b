// The token flow against the real registry behind a small auth front (test scaffolding: distribution's own
// `auth: token` needs a JWT signing certificate chain, which adds nothing to what the client sees): every /v2/
// request without a valid bearer token gets a 401 challenge with a placeholder scope, as GHCR's does; the token
// endpoint gives anonymous pull tokens for public repositories and, for `private/*`, only with the right Basic
// credentials. Everything listens on 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runOnline } from '../../src/online/index.js';
import { finalizeReport } from '../../src/engine/verdict.js';
import type { ImageReport, Report } from '../../src/model/report.js';
import { credentialsFromDockerConfig } from '../../src/online/docker-config.js';
import { startRegistry, type RunningRegistry } from '../helpers/online/registry-server.js';
import { OciPusher } from '../helpers/online/oci-push.js';
import { startMockSigstore, type MockSigstore } from '../helpers/online/sigstore-mock.js';

const USER = 'robot';
const SECRET = 's3cret';

function image(name: string): ImageReport {
  return { name, signed: true, methods: ['cosign-keyless'], byDigest: true, confidence: 'high', pushes: [{ file: '.github/workflows/release.yml', line: 1 }], signatures: [{ file: '.github/workflows/release.yml', line: 2, method: 'cosign-keyless' }], tags: ['1.0.0'] };
}
const report = (i: ImageReport): Report => finalizeReport({ version: 1, verdict: 'pass', sentence: '', repository: 'acme/api', images: [i], localBuilds: [], enforcement: [], findings: [], limits: [], stats: { filesScanned: 0, workflows: 0, manifestsParsed: 0 } });

describe('registry auth: anonymous token flow, private repository, credentials', { concurrency: false }, () => {
  let registry: RunningRegistry;
  let sigstore: MockSigstore;
  let front: Server;
  let url = '';
  const tokens = new Map<string, Set<string>>();
  const tokenRequests: Array<{ scope: string | null; sent: boolean; basic: boolean }> = [];
  before(async () => {
    [registry, sigstore] = await Promise.all([startRegistry(), startMockSigstore()]);
    front = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/token') {
        const scope = u.searchParams.get('scope');
        const auth = req.headers['authorization'] ?? '';
        const basic = auth === `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`;
        tokenRequests.push({ scope, sent: auth !== '', basic });
        const name = /^repository:([^:]+):pull$/.exec(scope ?? '')?.[1] ?? '';
        const token = randomBytes(8).toString('hex');
        tokens.set(token, new Set(name && (!name.startsWith('private/') || basic) ? [name] : []));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token }));
        return;
      }
      const name = /^\/v2\/(.+?)\/(manifests|blobs|referrers|tags)\//.exec(u.pathname)?.[1];
      const bearer = /^Bearer (.+)$/.exec(req.headers['authorization'] ?? '')?.[1];
      if (!bearer || !name || !tokens.get(bearer)?.has(name)) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${url}/token",service="test",scope="repository:user/image:pull"` }).end();
        return;
      }
      void fetch(registry.url + (req.url ?? '/'), { method: req.method ?? 'GET', headers: { Accept: String(req.headers['accept'] ?? '*/*') } }).then(async (up) => {
        const body = Buffer.from(await up.arrayBuffer());
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'docker-content-digest', 'content-length']) if (up.headers.get(h)) headers[h] = up.headers.get(h)!;
        res.writeHead(up.status, headers).end(req.method === 'HEAD' ? undefined : body);
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const push = new OciPusher(registry.url);
    for (const name of ['acme/public', 'private/app']) {
      const img = await push.image(name, '1.0.0', name);
      await push.attachBundle(name, img, await sigstore.signBundle(img.digest, { repository: 'acme/api', workflow: '.github/workflows/release.yml@refs/heads/main' }));
    }
  });
  after(async () => {
    await new Promise<void>((r) => front.close(() => r()));
    await Promise.all([registry?.stop(), sigstore?.stop()]);
  });
  const go = (name: string, extra: Partial<Parameters<typeof runOnline>[1]> = {}) =>
    runOnline(report(image(name)), { mode: 'true', transport: (u, i) => fetch(u, i), endpoints: { 'ghcr.io': url }, trustedRoot: { text: sigstore.trustedRoot, source: 'root' }, ...extra }).then(finalizeReport);

  it('a public image: an anonymous token for the image\'s own scope (not the placeholder), then confirmed', async () => {
    tokenRequests.length = 0;
    const out = await go('ghcr.io/acme/public');
    assert.equal(out.images[0]!.online!.status, 'confirmed', JSON.stringify(out.images[0]!.online));
    assert.deepEqual(tokenRequests, [{ scope: 'repository:acme/public:pull', sent: false, basic: false }]);
  });

  it('a private image: anonymous pull refused is a note (online-check-failed), and the static verdict stands', async () => {
    const out = await go('ghcr.io/private/app');
    assert.equal(out.images[0]!.online!.status, 'not-checked');
    assert.match(out.images[0]!.online!.reason!, /anonymous pull refused/);
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity]), [['online-check-failed', 'note']]);
    assert.equal(out.verdict, 'pass');
  });

  it("the same private image with credentials from the Docker configuration's auths: confirmed", async () => {
    tokenRequests.length = 0;
    const dockerConfig = JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`${USER}:${SECRET}`).toString('base64') } }, credsStore: 'desktop' });
    const out = await go('ghcr.io/private/app', { dockerConfig: { text: dockerConfig, source: '/home/runner/.docker/config.json' } });
    assert.equal(out.images[0]!.online!.status, 'confirmed', JSON.stringify(out.images[0]!.online));
    assert.deepEqual(tokenRequests, [{ scope: 'repository:private/app:pull', sent: true, basic: true }]);
    assert.ok(out.limits.some((l) => /credential helpers .* are not used/.test(l)));
  });

  it('wrong credentials are refused like anonymous ones', async () => {
    const out = await go('ghcr.io/private/app', { credentials: { 'ghcr.io': { username: USER, password: 'wrong' } } });
    assert.equal(out.images[0]!.online!.status, 'not-checked');
    assert.match(out.images[0]!.online!.reason!, /credentials refused/);
  });

  it('GITHUB_TOKEN stands in for ghcr.io credentials when the Docker configuration has none', async () => {
    tokenRequests.length = 0;
    await go('ghcr.io/acme/public', { githubToken: 'ghs_x' });
    assert.deepEqual(tokenRequests, [{ scope: 'repository:acme/public:pull', sent: true, basic: false }]);
  });

  it('reads auths entries (auth or username/password, Docker Hub keys normalised)', () => {
    const r = credentialsFromDockerConfig(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('a:b:c').toString('base64') }, 'quay.io': { username: 'u', password: 'p' }, 'bad host/x': { auth: 'x' } } }));
    assert.deepEqual(r.credentials, { 'docker.io': { username: 'a', password: 'b:c' }, 'quay.io': { username: 'u', password: 'p' } });
    assert.deepEqual(credentialsFromDockerConfig('not json').credentials, {});
  });
});
