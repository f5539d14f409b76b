// A small OCI push client for the tests (no docker daemon): blobs by monolithic upload, manifests by PUT.
import { createHash } from 'node:crypto';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function digestOf(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

export class OciPusher {
  constructor(readonly base: string) {}

  async blob(name: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = digestOf(bytes);
    const start = await fetch(`${this.base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    await start.body?.cancel();
    if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
    const location = new URL(start.headers.get('location')!, this.base);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
    const text = await put.text();
    if (put.status !== 201) throw new Error(`blob put: ${put.status} ${text}`);
    return { mediaType, digest, size: bytes.length };
  }

  async manifest(name: string, reference: string, manifest: object, mediaType = OCI_MANIFEST): Promise<Descriptor> {
    const bytes = Buffer.from(JSON.stringify(manifest));
    const res = await fetch(`${this.base}/v2/${name}/manifests/${reference}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: bytes });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`manifest put ${reference}: ${res.status} ${text}`);
    const digest = digestOf(bytes);
    if (res.headers.get('docker-content-digest') !== digest) throw new Error(`registry computed ${res.headers.get('docker-content-digest')} for ${digest}`);
    return { mediaType, digest, size: bytes.length };
  }

  /** An image with one layer of `content`, tagged `tag`. */
  async image(name: string, tag: string, content: string): Promise<Descriptor> {
    const config = await this.blob(name, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { content } } })), 'application/vnd.oci.image.config.v1+json');
    const layer = await this.blob(name, Buffer.from(content), 'application/vnd.oci.image.layer.v1.tar');
    return this.manifest(name, tag, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
  }

  /**
   * A cosign 3 bundle as a referrer of `subject`, written the way cosign writes it to a registry without the
   * referrers API: the referrer manifest by digest, then the fallback index at tag `sha256-<hex>` listing it with
   * `artifactType: application/vnd.oci.empty.v1+json` (sigstore/cosign#4641), merged with entries already there.
   */
  async attachBundle(name: string, subject: Descriptor, bundleJson: string, options: { indexArtifactType?: string } = {}): Promise<Descriptor> {
    const empty = await this.blob(name, Buffer.from('{}'), OCI_EMPTY);
    const layer = await this.blob(name, Buffer.from(bundleJson), BUNDLE_V03);
    const referrer = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: BUNDLE_V03, config: empty, layers: [layer], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size }, annotations: { 'org.opencontainers.image.created': '2026-12-01T00:00:00Z' } };
    const ref = await this.manifest(name, digestOf(Buffer.from(JSON.stringify(referrer))), referrer);
    await this.addToFallbackIndex(name, subject.digest, { ...ref, artifactType: options.indexArtifactType ?? OCI_EMPTY });
    return ref;
  }

  async addToFallbackIndex(name: string, subjectDigest: string, entry: Descriptor): Promise<void> {
    const tag = subjectDigest.replace(':', '-');
    const existing = await fetch(`${this.base}/v2/${name}/manifests/${tag}`, { headers: { Accept: OCI_INDEX } });
    const manifests: Descriptor[] = existing.ok ? ((await existing.json()) as { manifests: Descriptor[] }).manifests : (await existing.body?.cancel(), []);
    await this.manifest(name, tag, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, entry] }, OCI_INDEX);
  }

  /** A cosign 2 legacy signature at tag `sha256-<hex>.sig`: one simple-signing layer with the signature annotations. */
  async attachLegacySignature(name: string, subjectDigest: string, payload: Buffer, annotations: Record<string, string>): Promise<Descriptor> {
    const config = await this.blob(name, Buffer.from(JSON.stringify({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] }, config: {} })), 'application/vnd.oci.image.config.v1+json');
    const layer = await this.blob(name, payload, SIMPLE_SIGNING);
    return this.manifest(name, `${subjectDigest.replace(':', '-')}.sig`, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [{ ...layer, annotations }] });
  }
}

/** The simple-signing payload cosign 2 signs. */
export function simpleSigningPayload(image: string, digest: string): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': image }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}
