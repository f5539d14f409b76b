import type { RepoReader } from './repo.js';
import type { Location } from '../model/location.js';

/** File names that can hold a private key. Content is only read for these (and for files already read elsewhere). */
const CANDIDATE_NAME = /(\.key|\.pem|\.priv|\.p8|\.pk8|\.jwk|(^|\/)id_(rsa|ecdsa|ed25519)|(^|\/)[^/]*(cosign|private|signing)[^/]*\.(txt|json|b64|base64))$/i;
const PRIVATE_KEY_HEADER = /-----BEGIN ((?:ENCRYPTED |ENCRYPTED SIGSTORE |ENCRYPTED COSIGN |SIGSTORE |COSIGN |EC |RSA |DSA |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?)-----/;
const TEST_PATH = /(^|\/)(test|tests|testdata|test-data|e2e|fixtures?|__tests__|spec|examples?|samples?|hack\/testdata)(\/|$)/i;

export interface PrivateKeyHit {
  location: Location;
  kind: string;
  testOnly: boolean;
}

/** Finds committed private keys: candidate file names, plus any extra texts the caller already has in memory. */
export function findPrivateKeys(repo: RepoReader, alsoScan: string[] = []): PrivateKeyHit[] {
  const hits: PrivateKeyHit[] = [];
  const paths = new Set([...repo.files.filter((f) => CANDIDATE_NAME.test(f.path) && !/\.pub$/i.test(f.path)).map((f) => f.path), ...alsoScan]);
  for (const path of [...paths].sort()) {
    const r = repo.read(path, { scan: true });
    if (!r.ok) continue;
    const m = PRIVATE_KEY_HEADER.exec(r.text);
    if (!m) continue;
    const line = r.text.slice(0, m.index).split('\n').length;
    const kind = /COSIGN|SIGSTORE/.test(m[1]!) ? 'cosign' : /PGP/.test(m[1]!) ? 'PGP' : /OPENSSH/.test(m[1]!) ? 'OpenSSH' : 'PEM';
    hits.push({ location: { file: path, line }, kind, testOnly: TEST_PATH.test(path) });
  }
  return hits;
}
