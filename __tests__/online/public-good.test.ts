// A real bundle made by cosign against Sigstore's public-good instance (cosign's own test data, Apache-2.0: see
// __tests__/fixtures/online/cosign/NOTICE.md), verified offline against the public-good root embedded in
// @sigstore/tuf's seed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publicGoodTrust } from '../../src/online/public-good.js';
import { GITHUB_ACTIONS_ISSUER, verifyDsseBundle, type ExpectedIdentity } from '../../src/online/sigstore.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { startMockSigstore } from '../helpers/online/sigstore-mock.js';
import { trustFromJson } from '../../src/online/sigstore.js';

const bundle = JSON.parse(readFileSync(join(PROJECT_ROOT, '__tests__/fixtures/online/cosign/oci-attestation.sigstore.json'), 'utf8')) as unknown;
const SUBJECT = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
const github: ExpectedIdentity = { issuer: GITHUB_ACTIONS_ISSUER, san: /^https:\/\/github\.com\/acme\/api\/\.github\/workflows\/release\.yml@refs\/.+$/, sanDescription: 'release.yml', sourceRepository: 'https://github.com/acme/api' };

describe('public-good root (embedded @sigstore/tuf seed)', () => {
  it("verifies cosign's real bundle cryptographically, then reports its identity (an email signer, not this repository's workflow)", () => {
    const v = verifyDsseBundle(bundle, SUBJECT, publicGoodTrust(), github);
    assert.equal(v.result, 'identity-mismatch', JSON.stringify(v));
    if (v.result !== 'identity-mismatch') return;
    assert.equal(v.kind, 'attestation');
    assert.equal(v.identity.issuer, 'https://github.com/login/oauth');
    assert.equal(v.identity.san, 'cody@soyland.com');
    assert.match(v.detail, /^issuer https:\/\/github\.com\/login\/oauth, expected https:\/\/token\.actions\.githubusercontent\.com; signed by cody@soyland\.com/);
  });

  it('the same bundle against a foreign root, or for another digest, does not verify', async () => {
    const mock = await startMockSigstore();
    try {
      const v = verifyDsseBundle(bundle, SUBJECT, trustFromJson(mock.trustedRoot, 'mock root'), github);
      assert.equal(v.result, 'invalid');
    } finally {
      await mock.stop();
    }
    assert.equal(verifyDsseBundle(bundle, 'sha256:' + '1'.repeat(64), publicGoodTrust(), github).result, 'wrong-subject');
  });

  it('a tampered payload fails the signature check', () => {
    const tampered = JSON.parse(JSON.stringify(bundle)) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: { Data: string } };
    statement.predicate.Data = '{"foo": "baz"}\n';
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const v = verifyDsseBundle(tampered, SUBJECT, publicGoodTrust(), github);
    assert.equal(v.result, 'invalid');
  });
});
