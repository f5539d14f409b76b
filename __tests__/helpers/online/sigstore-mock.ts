// Sigstore's Fulcio, Rekor and CT log from @sigstore/mock, served on a loopback HTTP server, and @sigstore/sign
// signing against them with a fake GitHub Actions identity token: real certificates, real signatures, real
// transparency-log entries with signed entry timestamps and inclusion proofs. The trusted root is assembled from
// the mock's key material.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initializeCA, initializeCTLog, initializeTLog, fulcioHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import { bundleToJSON } from '@sigstore/bundle';

export interface Identity {
  /** owner/name whose workflow runs (the Source Repository URI extension). */
  repository: string;
  /** The workflow file and ref the SAN names: `.github/workflows/release.yml@refs/heads/main`, or another repository's for a reusable workflow. */
  workflow: string;
  /** The repository the workflow file lives in (differs from `repository` for a remote reusable workflow). */
  workflowRepository?: string;
  issuer?: string;
}

export interface MockSigstore {
  url: string;
  trustedRoot: string;
  /** A cosign 3 signature bundle (DSSE in-toto statement, predicate cosign/sign/v1) over `digest`. */
  signBundle(digest: string, identity: Identity, predicateType?: string): Promise<string>;
  /** A cosign 2 keyless signature of `payload`: the annotations cosign puts on the `.sig` layer. */
  signLegacy(payload: Buffer, identity: Identity): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

function b64url(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** A GitHub Actions OIDC token's claims (unsigned: the mock Fulcio decodes without verifying). */
export function fakeActionsToken(id: Identity): string {
  const workflowRepo = id.workflowRepository ?? id.repository;
  const claims = {
    iss: id.issuer ?? 'https://token.actions.githubusercontent.com',
    sub: `repo:${id.repository}:ref:refs/heads/main`,
    aud: 'sigstore',
    repository: id.repository,
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
    event_name: 'push',
    workflow: 'release',
    job_workflow_ref: `${workflowRepo}/${id.workflow}`,
    san_uri: `https://github.com/${workflowRepo}/${id.workflow}`,
    exp: Math.floor(Date.now() / 1000) + 600,
    iat: Math.floor(Date.now() / 1000),
  };
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.c2ln`;
}

/** Rekor stores a DSSE entry as {envelopeHash, payloadHash, signatures}, not as proposed: canonicalise it before logging. */
function storedEntry(proposed: Record<string, unknown>): object {
  if (proposed['kind'] !== 'dsse') return proposed;
  const content = (proposed['spec'] as { proposedContent: { envelope: string; verifiers: string[] } }).proposedContent;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s, i) => ({ signature: s.sig, verifier: content.verifiers[i] })),
    },
  };
}

export async function startMockSigstore(): Promise<MockSigstore> {
  const kp = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctlog = await initializeCTLog(kp());
  const ca = await initializeCA(kp(), ctlog);
  const fulcio = fulcioHandler(ca, { subjectClaim: 'san_uri' });
  let url = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (req.method === 'POST' && req.url === fulcio.path) {
            const r = await fulcio.fn(body);
            res.writeHead(r.statusCode, { 'Content-Type': r.contentType ?? 'text/plain' }).end(r.response);
          } else if (req.method === 'POST' && req.url === '/api/v1/log/entries') {
            const entry = await tlog.log(storedEntry(JSON.parse(body) as Record<string, unknown>));
            res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(entry));
          } else {
            res.writeHead(404).end();
          }
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlogKeys = kp();
  const tlog = await initializeTLog(url, tlogKeys);
  const start = new Date(Date.now() - 3600_000).toISOString();
  const trustedRoot = JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: url, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: tlog.publicKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') } }],
    certificateAuthorities: [{ subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: url, certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength).toString('base64') }] }, validFor: { start } }],
    ctlogs: [{ baseUrl: url, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: ctlog.publicKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: Buffer.from(ctlog.logID.buffer, ctlog.logID.byteOffset, ctlog.logID.byteLength).toString('base64') } }],
    timestampAuthorities: [],
  });
  const signer = (id: Identity) => new FulcioSigner({ fulcioBaseURL: url, identityProvider: { getToken: async () => fakeActionsToken(id) }, retry: 0 });
  const witness = () => new RekorWitness({ rekorBaseURL: url, retry: 0 });
  return {
    url,
    trustedRoot,
    async signBundle(digest, id, predicateType = 'https://sigstore.dev/cosign/sign/v1') {
      const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { sha256: digest.slice('sha256:'.length) } }], predicateType, predicate: {} };
      const bundle = await new DSSEBundleBuilder({ signer: signer(id), witnesses: [witness()] }).create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' });
      return JSON.stringify(bundleToJSON(bundle));
    },
    async signLegacy(payload, id) {
      const bundle = await new MessageSignatureBundleBuilder({ signer: signer(id), witnesses: [witness()] }).create({ data: payload });
      const json = bundleToJSON(bundle) as unknown as {
        messageSignature: { signature: string };
        verificationMaterial: { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: Array<{ rawBytes: string }> }; tlogEntries: Array<{ logIndex: string; logId: { keyId: string }; integratedTime: string; inclusionPromise: { signedEntryTimestamp: string }; canonicalizedBody: string }> };
      };
      const vm = json.verificationMaterial;
      const der = vm.certificate?.rawBytes ?? vm.x509CertificateChain!.certificates[0]!.rawBytes;
      const pem = `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
      const e = vm.tlogEntries[0]!;
      const rekorBundle = { SignedEntryTimestamp: e.inclusionPromise.signedEntryTimestamp, Payload: { body: e.canonicalizedBody, integratedTime: Number(e.integratedTime), logIndex: Number(e.logIndex), logID: Buffer.from(e.logId.keyId, 'base64').toString('hex') } };
      return {
        'dev.cosignproject.cosign/signature': json.messageSignature.signature,
        'dev.sigstore.cosign/certificate': pem,
        'dev.sigstore.cosign/chain': '',
        'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle),
      };
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
