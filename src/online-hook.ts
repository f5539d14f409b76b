import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from './model/report.js';
import { loadOnline } from './online/load.js';
import type { OnlineSettings } from './online/options.js';
import type { Transport } from './online/registry.js';

/**
 * The entrypoints' side of the online stage: reads the files the user named (trusted root, public keys), loads the
 * online module on first use and hands it the transport. Used by src/cli.ts and src/index.ts only.
 */
export interface OnlineEnvironment {
  /** The Docker client configuration file to take `auths` credentials from ($DOCKER_CONFIG/config.json, ~/.docker/config.json). */
  dockerConfigFile?: string;
  /** The Action's token, used for ghcr.io when the Docker configuration has no entry for it. */
  githubToken?: string;
  /** The REST API for artifact attestations (GITHUB_API_URL) and the token to send it. */
  githubApi?: { url: string; token?: string };
}

export function onlineHook(settings: OnlineSettings, transport: Transport, env: OnlineEnvironment = {}): (report: Report) => Promise<Report> {
  return async (report) => {
    const online = await loadOnline();
    const read = (file: string): string | undefined => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    };
    const rootText = settings.trustedRoot ? read(settings.trustedRoot) : undefined;
    const dockerConfig = env.dockerConfigFile ? read(env.dockerConfigFile) : undefined;
    return online.runOnline(report, {
      mode: settings.mode,
      transport,
      endpoints: settings.endpoints,
      ...(settings.reference ? { reference: settings.reference } : {}),
      ...(dockerConfig !== undefined && env.dockerConfigFile ? { dockerConfig: { text: dockerConfig, source: env.dockerConfigFile } } : {}),
      ...(env.githubToken ? { githubToken: env.githubToken } : {}),
      ...(env.githubApi ? { githubApi: env.githubApi } : {}),
      ...(settings.trustedRoot ? { trustedRoot: { text: rootText ?? '', source: settings.trustedRoot } } : {}),
      notationCertificates: (settings.notationCerts ?? []).flatMap((f) => {
        const pem = read(f);
        return pem ? [{ pem, source: f }] : [];
      }),
      publicKeys: settings.publicKeys.flatMap((f) => {
        const pem = read(f);
        return pem ? [{ pem, source: f }] : [];
      }),
    });
  };
}

/** Where the Docker client keeps its configuration: $DOCKER_CONFIG/config.json, else ~/.docker/config.json (when it exists). */
export function dockerConfigFile(env: Record<string, string | undefined>): string | undefined {
  const dir = env['DOCKER_CONFIG'] || (env['HOME'] ? join(env['HOME'], '.docker') : undefined);
  if (!dir) return undefined;
  const file = join(dir, 'config.json');
  return existsSync(file) ? file : undefined;
}
