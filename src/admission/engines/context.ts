import type { Node } from 'yaml';
import type { Doc } from '../documents.js';
import type { Authority, KeylessIdentity, SignatureScheme } from '../model.js';
import { HELM_PLACEHOLDER } from '../helm.js';

/** What every engine reader gets besides the document. */
export interface ReaderContext {
  counted: boolean;
  /** Notes every policy from this file carries (example folder, Helm template, policy-paths root). */
  fileNotes: string[];
}

export function metadataName(doc: Doc, root: Node | null): string {
  return doc.strAt(root, 'metadata', 'name') ?? doc.strAt(root, 'metadata', 'generateName') ?? '(unnamed)';
}

/** A key field's value: PEM text goes into `pems`, anything else (k8s://, kms URIs, templates) is a reference. */
export function keyAuthority(doc: Doc, node: Node | null, text: string | undefined, scheme: SignatureScheme, attestation: boolean, label: string): Authority {
  const base = { scheme, attestation, location: doc.loc(node), label };
  if (text && /-----BEGIN /.test(text)) return { kind: 'key', pems: [text], ...base };
  return { kind: 'key', keyRef: text && !text.includes(HELM_PLACEHOLDER) ? text : '(not shown)', ...base };
}

export function keylessAuthority(doc: Doc, node: Node | null, identities: KeylessIdentity[], attestation: boolean, label: string): Authority {
  return { kind: 'keyless', scheme: 'cosign', identities, attestation, location: doc.loc(node), label };
}

export function identityFrom(doc: Doc, node: Node | null, wildcards: boolean): KeylessIdentity {
  const id: KeylessIdentity = {};
  const issuer = doc.strAt(node, 'issuer');
  const subject = doc.strAt(node, 'subject');
  const issuerRegExp = doc.strAt(node, 'issuerRegExp');
  const subjectRegExp = doc.strAt(node, 'subjectRegExp');
  if (issuer) id.issuer = issuer;
  if (subject) id.subject = subject;
  if (issuerRegExp) id.issuerRegExp = issuerRegExp;
  if (subjectRegExp) id.subjectRegExp = subjectRegExp;
  if (wildcards) id.subjectWildcards = true;
  return id;
}
