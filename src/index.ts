// GitHub Action entrypoint: read the inputs and the runner's environment, run the audit, report through @actions/core.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { getProxyUrl } from '@actions/http-client';
import { parseInputs } from './action/inputs.js';
import { fetchThroughProxy } from './action/proxy-fetch.js';
import { run, type ActionEnvironment } from './action/run.js';
import { coreSinks } from './action/sinks.js';
import { dockerConfigFile, onlineHook } from './online-hook.js';
import { tuneV8ForOneRun } from './v8-tuning.js';

function readEventPayload(path: string | undefined): unknown {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    core.info(`event payload at ${path} could not be read; treating the event as having no payload`);
    return undefined;
  }
}

/** The proxy the runner's settings name for the API URL, '' for none (or for a URL the client will reject itself). */
function proxyFor(apiUrl: string): string {
  try {
    return getProxyUrl(apiUrl);
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  tuneV8ForOneRun(process.env);
  // An empty fail-on follows the event: `new` on pull requests and merge queues, `fail` elsewhere.
  const inputs = parseInputs((name) => core.getInput(name), process.env['GITHUB_EVENT_NAME'] || undefined);
  if ('error' in inputs) {
    core.setFailed(`image-signing-audit: ${inputs.error}`);
    return;
  }
  const env: ActionEnvironment = {
    workspace: process.env['GITHUB_WORKSPACE'] || process.cwd(),
    ...(process.env['GITHUB_EVENT_NAME'] ? { eventName: process.env['GITHUB_EVENT_NAME'] } : {}),
    eventPayload: readEventPayload(process.env['GITHUB_EVENT_PATH']),
    apiUrl: process.env['GITHUB_API_URL'] || 'https://api.github.com',
    ...(process.env['GITHUB_REPOSITORY'] ? { repository: process.env['GITHUB_REPOSITORY'] } : {}),
    tempDir: process.env['RUNNER_TEMP'] || tmpdir(),
  };
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
  // A self-hosted runner behind a proxy: the REST calls go through it (HTTPS_PROXY / HTTP_PROXY, NO_PROXY).
  const proxy = inputs.githubToken ? proxyFor(env.apiUrl) : '';
  if (proxy) core.info(`REST API requests go through the proxy configured for ${new URL(env.apiUrl).host}`);
  // confirm-online: the registry requests use the runner's global fetch; trusted-root resolves in the workspace.
  const online = inputs.online
    ? onlineHook({ ...inputs.online, ...(inputs.online.trustedRoot ? { trustedRoot: resolve(env.workspace, inputs.online.trustedRoot) } : {}), notationCerts: (inputs.online.notationCerts ?? []).map((f) => resolve(env.workspace, f)) }, (url, init) => fetch(url, init), {
        ...(dockerConfigFile(process.env) ? { dockerConfigFile: dockerConfigFile(process.env)! } : {}),
        ...(inputs.githubToken ? { githubToken: inputs.githubToken } : {}),
        githubApi: { url: env.apiUrl, ...(inputs.githubToken ? { token: inputs.githubToken } : {}) },
      })
    : undefined;
  await run(inputs, env, coreSinks(), { ...(proxy ? { fetch: fetchThroughProxy(proxy) } : {}), ...(online ? { online } : {}) });
}

main().catch((err: unknown) => {
  core.setFailed(`image-signing-audit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
