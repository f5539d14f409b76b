// REST calls through an HTTP proxy, as on a self-hosted runner behind one (HTTPS_PROXY / HTTP_PROXY).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { fetchThroughProxy } from '../../src/action/proxy-fetch.js';
import { buildActionBundle, json, makeWorkspace, runAction, startFakeApi, type Workspace } from './harness.js';

interface FakeProxy {
  url: string;
  connects: Array<{ target: string; authorization?: string }>;
  close: () => Promise<void>;
}

/** A CONNECT proxy that sends every tunnel to `upstreamPort` on 127.0.0.1, whatever host the client asked for. */
async function startFakeProxy(upstreamPort: number): Promise<FakeProxy> {
  const connects: FakeProxy['connects'] = [];
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, clientSocket, head) => {
    connects.push({ target: req.url ?? '', ...(req.headers['proxy-authorization'] ? { authorization: req.headers['proxy-authorization'] } : {}) });
    const upstream = connect(upstreamPort, '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connects,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

test('fetchThroughProxy tunnels to the API host through the proxy, with the proxy credentials from its URL', async () => {
  const api = await startFakeApi((req, res) => json(res, 200, { path: req.url, auth: req.headers.authorization }));
  const proxy = await startFakeProxy(Number(new URL(api.url).port));
  try {
    const proxied = fetchThroughProxy(proxy.url.replace('http://', 'http://ci:p%40ss@'));
    const res = await proxied('http://api.github.example/repos/acme/widget', { headers: { authorization: 'Bearer t' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { path: '/repos/acme/widget', auth: 'Bearer t' });
    assert.deepEqual(proxy.connects, [{ target: 'api.github.example:80', authorization: `Basic ${Buffer.from('ci:p@ss').toString('base64')}` }]);
  } finally {
    await proxy.close();
    await api.close();
  }
});

test('the action sends its REST calls through the proxy the runner names (HTTP_PROXY for an http API URL)', async () => {
  const api = await startFakeApi((req, res) => (req.url?.startsWith('/repos/acme/widget/pulls/7/files') ? json(res, 200, [{ filename: '.github/image-signing-audit.yml' }]) : json(res, 404, {})));
  const proxy = await startFakeProxy(Number(new URL(api.url).port));
  try {
    const ws = makeWorkspace('repo-config', ['.github/image-signing-audit.yml']);
    workspaces.push(ws);
    const bundle = await buildActionBundle();
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 'test-token' }, apiUrl: 'http://api.github.example', env: { HTTP_PROXY: proxy.url } });
    assert.ok(proxy.connects.length >= 1, r.stdout);
    assert.ok(proxy.connects.every((c) => c.target === 'api.github.example:80'));
    assert.ok(api.requests.some((q) => q.url.startsWith('/repos/acme/widget/pulls/7/files') && q.authorization === 'Bearer test-token'));
    assert.match(r.summary, /changed files from the REST API/);
    assert.match(r.stdout, /REST API requests go through the proxy configured for api\.github\.example/);
  } finally {
    await proxy.close();
    await api.close();
  }
});
