import type { Credentials } from './registry.js';

/**
 * Registry credentials from a Docker client configuration (`~/.docker/config.json`, `$DOCKER_CONFIG/config.json`,
 * what docker/login-action writes on the runner): the `auths` entries only. Credential helpers (`credsStore`,
 * `credHelpers`) would have to be executed, which this tool never does: they are named in a note instead.
 * Pure: the entrypoint reads the file.
 */
export function credentialsFromDockerConfig(text: string): { credentials: Record<string, Credentials>; notes: string[] } {
  const credentials: Record<string, Credentials> = {};
  const notes: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { credentials, notes: ['the Docker configuration is not JSON; no registry credentials used'] };
  }
  if (!json || typeof json !== 'object') return { credentials, notes };
  const o = json as { auths?: unknown; credsStore?: unknown; credHelpers?: unknown };
  if (o.auths && typeof o.auths === 'object') {
    for (const [key, entry] of Object.entries(o.auths as Record<string, unknown>)) {
      const host = registryHost(key);
      if (!host || !entry || typeof entry !== 'object') continue;
      const e = entry as { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown };
      if (typeof e.auth === 'string' && e.auth) {
        const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) credentials[host] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      } else if (typeof e.username === 'string' && typeof e.password === 'string') {
        credentials[host] = { username: e.username, password: e.password };
      }
    }
  }
  if (typeof o.credsStore === 'string' || (o.credHelpers && typeof o.credHelpers === 'object' && Object.keys(o.credHelpers).length > 0)) {
    notes.push('the Docker configuration names credential helpers (credsStore/credHelpers); they need to be executed and are not used');
  }
  return { credentials, notes };
}

/** `https://index.docker.io/v1/` → `docker.io`; `ghcr.io` → `ghcr.io`. */
function registryHost(key: string): string | undefined {
  const host = key.replace(/^https?:\/\//, '').split('/')[0]!.toLowerCase();
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(host)) return undefined;
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}
