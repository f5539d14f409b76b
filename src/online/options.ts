/** The online options as the CLI and the Action take them: parsed here, purely (no network, no files). */

export type ConfirmMode = 'off' | 'true' | 'required';

export function parseConfirmMode(value: string): ConfirmMode | { error: string } {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off') return 'off';
  if (v === 'true' || v === 'required') return v;
  return { error: `confirm-online takes false, true or required, got '${value.slice(0, 40)}'` };
}

/**
 * `HOST=URL` (one registry host to another endpoint). Plain http only for a loopback endpoint; the URL's origin is kept.
 */
export function parseEndpoint(value: string): { host: string; url: string } | { error: string } {
  const eq = value.indexOf('=');
  if (eq <= 0) return { error: `registry endpoint must be HOST=URL, got '${value.slice(0, 80)}'` };
  const host = value.slice(0, eq).trim().toLowerCase();
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(host)) return { error: `registry endpoint host '${host.slice(0, 80)}' is not a host name` };
  let url: URL;
  try {
    url = new URL(value.slice(eq + 1).trim());
  } catch {
    return { error: `registry endpoint for ${host} is not a URL` };
  }
  const h = url.hostname;
  const loopback = h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return { error: `registry endpoint for ${host} must be https (plain http only for a loopback address)` };
  if (url.username || url.password) return { error: `registry endpoint for ${host} must not carry credentials` };
  return { host, url: url.origin };
}

/** A tag or a sha256 digest. */
export function parseConfirmReference(value: string): string | { error: string } {
  const v = value.trim();
  if (/^sha256:[0-9a-f]{64}$/.test(v) || /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v)) return v;
  return { error: `confirm-reference takes a tag or a sha256:<hex> digest, got '${v.slice(0, 80)}'` };
}

export interface OnlineSettings {
  mode: Exclude<ConfirmMode, 'off'>;
  endpoints: Record<string, string>;
  trustedRoot?: string;
  reference?: string;
  publicKeys: string[];
  /** PEM files of the notation trust store (CA certificates). */
  notationCerts?: string[];
}
