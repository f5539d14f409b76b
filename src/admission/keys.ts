import { createPublicKey, X509Certificate } from 'node:crypto';

/**
 * Public keys compared as keys: the DER SubjectPublicKeyInfo of each PEM block, so that re-wrapped lines,
 * indentation, CRLF or a certificate around the same key do not count as a difference.
 */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function pemBlocks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1] ?? '';
    const body = (m[2] ?? '').replace(/[^A-Za-z0-9+/=]/g, '');
    out.push(`-----BEGIN ${label}-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`);
  }
  return out;
}

/** Base64 of the SPKI DER, or undefined when the block is not a public key or certificate we can read. */
export function spkiFingerprint(pem: string): string | undefined {
  try {
    if (/BEGIN CERTIFICATE/.test(pem)) {
      return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    }
    if (/BEGIN (RSA |EC )?PUBLIC KEY/.test(pem)) {
      return createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Every readable public key in a text (a policy field, a committed cosign.pub). */
export function keyFingerprints(text: string): string[] {
  return pemBlocks(text)
    .map(spkiFingerprint)
    .filter((k): k is string => k !== undefined);
}
