import { constants, verify as cryptoVerify, X509Certificate } from 'node:crypto';

/**
 * Notation (Notary Project) signatures in the JWS envelope, verified with node:crypto against a trust store of CA
 * certificates the user names: the payload's targetArtifact is this digest, the x5c chain (leaf first) chains to a
 * trust-store certificate and each certificate is valid at the signing time, the leaf is a code-signing
 * certificate, and the JWS signature verifies with the leaf key. COSE envelopes and the signing-authority scheme
 * (a timestamp countersignature) are not verified: said as such.
 */
export type NotationOutcome =
  | { result: 'verified'; subject: string; detail: string }
  | { result: 'wrong-subject' | 'invalid' | 'not-checked'; detail: string };

const ALGS: Record<string, { hash: string; pss: boolean; saltLength?: number }> = {
  PS256: { hash: 'sha256', pss: true, saltLength: 32 },
  PS384: { hash: 'sha384', pss: true, saltLength: 48 },
  PS512: { hash: 'sha512', pss: true, saltLength: 64 },
  ES256: { hash: 'sha256', pss: false },
  ES384: { hash: 'sha384', pss: false },
  ES512: { hash: 'sha512', pss: false },
};
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** PEM text with one or more certificates. */
export function parseCertificates(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].slice(0, 32).map((m) => new X509Certificate(m[0]));
}

export function verifyNotationJws(envelope: Buffer, digest: string, roots: X509Certificate[]): NotationOutcome {
  let jws: { payload?: unknown; protected?: unknown; signature?: unknown; header?: { x5c?: unknown } };
  try {
    jws = JSON.parse(envelope.toString('utf8')) as typeof jws;
  } catch {
    return { result: 'invalid', detail: 'the notation envelope is not JSON' };
  }
  if (typeof jws.payload !== 'string' || typeof jws.protected !== 'string' || typeof jws.signature !== 'string' || !Array.isArray(jws.header?.x5c)) return { result: 'invalid', detail: 'the JWS envelope lacks payload, protected header, signature or x5c' };
  let header: Record<string, unknown>;
  let payload: { targetArtifact?: { digest?: unknown } };
  try {
    header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return { result: 'invalid', detail: 'the JWS header or payload is not JSON' };
  }
  const target = payload.targetArtifact?.digest;
  if (target !== digest) return { result: 'wrong-subject', detail: `the signature's targetArtifact is ${typeof target === 'string' ? target.slice(0, 80) : 'missing'}, not ${digest}` };
  const scheme = header['io.cncf.notary.signingScheme'];
  if (scheme !== 'notary.x509') return { result: 'not-checked', detail: `signing scheme ${String(scheme).slice(0, 60)} is not verified (only notary.x509)` };
  const alg = ALGS[String(header['alg'])];
  if (!alg) return { result: 'invalid', detail: `JWS algorithm ${String(header['alg']).slice(0, 20)} is not one notation allows` };
  const signingTime = typeof header['io.cncf.notary.signingTime'] === 'string' ? new Date(header['io.cncf.notary.signingTime']) : undefined;
  if (!signingTime || Number.isNaN(signingTime.getTime())) return { result: 'invalid', detail: 'the protected header has no signing time' };
  let chain: X509Certificate[];
  try {
    chain = (jws.header!.x5c as unknown[]).slice(0, 8).map((c) => new X509Certificate(Buffer.from(String(c), 'base64')));
  } catch {
    return { result: 'invalid', detail: 'a certificate in x5c does not parse' };
  }
  if (chain.length === 0) return { result: 'invalid', detail: 'x5c is empty' };
  const leaf = chain[0]!;
  for (const c of chain) {
    if (signingTime < new Date(c.validFrom) || signingTime > new Date(c.validTo)) return { result: 'invalid', detail: `certificate ${c.subject.replace(/\n/g, ', ')} is not valid at the signing time` };
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey)) return { result: 'invalid', detail: 'the x5c chain is broken' };
  }
  const top = chain[chain.length - 1]!;
  const anchored = roots.some((r) => r.fingerprint256 === top.fingerprint256 || (top.checkIssued(r) && top.verify(r.publicKey) && signingTime >= new Date(r.validFrom) && signingTime <= new Date(r.validTo)));
  if (!anchored) return { result: 'invalid', detail: 'the certificate chain does not lead to a certificate of the notation trust store' };
  if (leaf.ca || !(leaf.keyUsage ?? []).includes(CODE_SIGNING)) return { result: 'invalid', detail: 'the signing certificate is not a code-signing leaf certificate' };
  const signed = Buffer.from(`${jws.protected}.${jws.payload}`, 'ascii');
  const signature = Buffer.from(jws.signature, 'base64url');
  let ok: boolean;
  try {
    ok = alg.pss
      ? cryptoVerify(alg.hash, signed, { key: leaf.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength! }, signature)
      : cryptoVerify(alg.hash, signed, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    ok = false;
  }
  if (!ok) return { result: 'invalid', detail: 'the JWS signature does not verify with the signing certificate' };
  return { result: 'verified', subject: leaf.subject.replace(/\n/g, ', '), detail: `notation signature verified; signed by ${leaf.subject.replace(/\n/g, ', ').slice(0, 200)}` };
}
