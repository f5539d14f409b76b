import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type Signer, type TrustMaterial } from '@sigstore/verify';

/** Verification of Sigstore bundles with @sigstore/verify, and the identity checks it leaves to the caller. */

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/** Fulcio's Source Repository URI extension: the repository whose workflow run asked for the certificate. */
export const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface ExpectedIdentity {
  issuer: string;
  /** Anchored, escaped pattern for the certificate's SAN (the signing workflow). */
  san: RegExp;
  /** How the SAN expectation reads in the evidence (`https://github.com/o/r/.github/workflows/release.yml@*`). */
  sanDescription: string;
  /** `https://github.com/<owner>/<repo>`: the Source Repository URI extension must equal it. */
  sourceRepository: string;
}

export interface Identity {
  san?: string;
  issuer?: string;
  sourceRepository?: string;
}

export type VerifyOutcome =
  | { result: 'verified'; kind: 'signature' | 'attestation'; identity: Identity; predicateType?: string }
  | { result: 'identity-mismatch'; kind: 'signature' | 'attestation'; identity: Identity; detail: string }
  | { result: 'wrong-subject'; detail: string }
  | { result: 'invalid'; detail: string };

export interface Trust {
  material: TrustMaterial;
  /** Where the root came from, for the evidence. */
  source: string;
}

/** A TrustedRoot JSON document (sigstore protobuf-specs), as `cosign`'s `--trusted-root` and `gh attestation trusted-root` write it. */
export function trustFromJson(text: string, source: string): Trust {
  const json = JSON.parse(text) as unknown;
  const root = TrustedRoot.fromJSON(json);
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0) throw new Error(`${source} holds no certificate authority and no transparency log`);
  return { material: toTrustMaterial(root), source };
}

function verifier(trust: Trust): Verifier {
  // Fulcio certificate with an SCT, one transparency-log entry, one timestamp (the log's integrated time or a TSA's).
  return new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
}

/**
 * A cosign 3 bundle (DSSE in-toto statement) for image `digest`: the statement's subject must be that digest, then the
 * cryptography (certificate chain to the trusted root, SCT, tlog entry and its proof, timestamp, signature), then
 * the identity.
 */
export function verifyDsseBundle(json: unknown, digest: string, trust: Trust, expected: ExpectedIdentity): VerifyOutcome {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return { result: 'invalid', detail: `not a Sigstore bundle: ${message(err)}` };
  }
  if (bundle.content.$case !== 'dsseEnvelope') return { result: 'invalid', detail: 'the bundle holds a message signature, not a DSSE envelope: its subject cannot be read' };
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { result: 'invalid', detail: `DSSE payload type is ${envelope.payloadType.slice(0, 80)}, not in-toto` };
  let statement: { subject?: Array<{ digest?: Record<string, string> }>; predicateType?: string };
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as typeof statement;
  } catch {
    return { result: 'invalid', detail: 'the in-toto statement is not JSON' };
  }
  const hex = digest.slice('sha256:'.length);
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (!subjects.some((s) => s?.digest?.['sha256'] === hex)) {
    const other = subjects.map((s) => s?.digest?.['sha256']).find((d) => typeof d === 'string');
    return { result: 'wrong-subject', detail: `the statement's subject is ${other ? `sha256:${other.slice(0, 64)}` : 'no sha256 digest'}, not ${digest}` };
  }
  const predicateType = typeof statement.predicateType === 'string' ? statement.predicateType : '';
  const kind = predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
  return checked(bundle, undefined, trust, expected, kind, predicateType);
}

/** A message-signature bundle over `artifact` (a legacy cosign signature rebuilt as a bundle); the caller checked the payload's digest. */
export function verifyMessageBundle(json: unknown, artifact: Buffer, trust: Trust, expected: ExpectedIdentity): VerifyOutcome {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return { result: 'invalid', detail: `the signature does not form a Sigstore bundle: ${message(err)}` };
  }
  return checked(bundle, artifact, trust, expected, 'signature', undefined);
}

function checked(bundle: Bundle, artifact: Buffer | undefined, trust: Trust, expected: ExpectedIdentity, kind: 'signature' | 'attestation', predicateType: string | undefined): VerifyOutcome {
  let signer: Signer;
  try {
    signer = verifier(trust).verify(toSignedEntity(bundle, artifact));
  } catch (err) {
    return { result: 'invalid', detail: `does not verify against ${trust.source}: ${message(err)}` };
  }
  const identity = identityOf(signer);
  const problems: string[] = [];
  if (identity.issuer !== expected.issuer) problems.push(`issuer ${identity.issuer ?? '(none)'}, expected ${expected.issuer}`);
  if (!identity.san || !expected.san.test(identity.san)) problems.push(`signed by ${identity.san ?? '(no SAN)'}, expected ${expected.sanDescription}`);
  if (identity.sourceRepository !== expected.sourceRepository) problems.push(`source repository ${identity.sourceRepository ?? '(no extension)'}, expected ${expected.sourceRepository}`);
  if (problems.length > 0) return { result: 'identity-mismatch', kind, identity, detail: problems.join('; ') };
  return { result: 'verified', kind, identity, ...(predicateType ? { predicateType } : {}) };
}

function identityOf(signer: Signer): Identity {
  const id = signer.identity;
  const source = id?.oids?.find((o) => o.oid?.id.join('.') === OID_SOURCE_REPOSITORY_URI);
  return {
    ...(id?.subjectAlternativeName ? { san: id.subjectAlternativeName } : {}),
    ...(id?.extensions?.issuer ? { issuer: id.extensions.issuer } : {}),
    ...(source ? { sourceRepository: derUtf8(Buffer.from(source.value)) } : {}),
  };
}

/** Fulcio's v2 extensions hold a DER UTF8String; the legacy ones the raw text. */
export function derUtf8(value: Buffer): string {
  if (value[0] === 0x0c && value.length >= 2) {
    let len = value[1]!;
    let off = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 2 || value.length < 2 + n) return value.toString('utf8');
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | value[2 + i]!;
      off = 2 + n;
    }
    if (off + len === value.length) return value.subarray(off).toString('utf8');
  }
  return value.toString('utf8');
}

/**
 * A legacy cosign keyless signature rebuilt into a v0.1 bundle: the certificate, the Rekor bundle annotation
 * (its SET as the inclusion promise, its body as the canonicalized entry) and the message signature over the
 * payload's SHA-256.
 */
export function legacyKeylessBundle(input: { payload: Buffer; signatureB64: string; certificatePem: string; rekorBundle: string }): unknown {
  const rekor = JSON.parse(input.rekorBundle) as { SignedEntryTimestamp?: string; Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string } };
  const p = rekor.Payload ?? {};
  if (typeof p.body !== 'string' || typeof rekor.SignedEntryTimestamp !== 'string' || typeof p.logID !== 'string') throw new Error('the Rekor bundle annotation lacks its body, SET or log id');
  const body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
  const der = pemToDer(input.certificatePem);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: der.toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(p.logIndex ?? 0),
          logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
          kindVersion: { kind: body.kind ?? 'hashedrekord', version: body.apiVersion ?? '0.0.1' },
          integratedTime: String(p.integratedTime ?? 0),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: p.body,
        },
      ],
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(input.payload).digest('base64') },
      signature: input.signatureB64,
    },
  };
}

export function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('the certificate annotation is not PEM');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
}
