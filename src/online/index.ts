// The online stage's entry, loaded only when confirm-online is asked for (dist/online.js, its own bundle with the
// Sigstore libraries): the static path never parses it.
import type { Report } from '../model/report.js';
import { confirmOnline, type OnlineOptions } from './confirm.js';
import { credentialsFromDockerConfig } from './docker-config.js';
import { publicGoodTrust } from './public-good.js';
import { trustFromJson, type Trust } from './sigstore.js';

export interface OnlineRequest extends Omit<OnlineOptions, 'trust' | 'noTrustReason'> {
  /** The trusted-root file's text and its name (read by the entrypoint). */
  trustedRoot?: { text: string; source: string };
  /** The runner's Docker configuration (its `auths` entries), read by the entrypoint. */
  dockerConfig?: { text: string; source: string };
  /** The Action's GITHUB_TOKEN: the credentials for ghcr.io when the Docker configuration has none. */
  githubToken?: string;
}

export async function runOnline(report: Report, req: OnlineRequest): Promise<Report> {
  const { trustedRoot, dockerConfig, githubToken, ...options } = req;
  const credentials = { ...(options.credentials ?? {}) };
  const limits: string[] = [];
  if (dockerConfig) {
    const parsed = credentialsFromDockerConfig(dockerConfig.text);
    for (const [host, c] of Object.entries(parsed.credentials)) credentials[host] ??= c;
    limits.push(...parsed.notes.map((n) => `confirm-online: ${dockerConfig.source}: ${n}`));
  }
  if (githubToken && !credentials['ghcr.io']) credentials['ghcr.io'] = { username: 'x-access-token', password: githubToken };
  let trust: Trust | undefined;
  let noTrustReason: string | undefined;
  if (trustedRoot) {
    try {
      trust = trustFromJson(trustedRoot.text, `trusted root ${trustedRoot.source}`);
    } catch (err) {
      noTrustReason = `the trusted root ${trustedRoot.source} could not be read: ${err instanceof Error ? err.message.slice(0, 200) : 'invalid'}`;
    }
  } else {
    // No root given: Sigstore's public-good instance, from the seed embedded in @sigstore/tuf (offline).
    try {
      trust = publicGoodTrust();
    } catch (err) {
      noTrustReason = `no trusted root was given and the embedded public-good root could not be read: ${err instanceof Error ? err.message.slice(0, 200) : 'invalid'}`;
    }
  }
  const out = await confirmOnline(report, { ...options, credentials, ...(trust ? { trust } : {}), ...(noTrustReason ? { noTrustReason } : {}) });
  return limits.length > 0 ? { ...out, limits: [...out.limits, ...limits] } : out;
}

export type { OnlineOptions } from './confirm.js';
export type { Transport } from './registry.js';
export type { GitHubApi } from './attestations.js';
