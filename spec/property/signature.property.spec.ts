/** Property tests of response signature verification with real RSA keys. */
import { expect } from 'chai';
import { createPrivateKey, createPublicKey } from 'crypto';
import fc from 'fast-check';
import { signSha256WithRsa } from '../../lib/core/rsa';
import { verifiedSpan } from '../../lib/core/signed-json';
import { keys } from '../helpers/fixtures';

const alipayPrivate = createPrivateKey(keys.alipayPrivate);
const alipayPublic = createPublicKey(keys.alipayPublic);

const payload = fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 6 }).map((o) => JSON.stringify(o));

describe('property: signature verification', () => {
  it('accepts any payload signed with the matching key', () => {
    fc.assert(
      fc.property(payload, (span) => {
        expect(verifiedSpan(span, signSha256WithRsa(span, alipayPrivate), alipayPublic)).to.equal(span);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects the payload when any single byte of the signed span changes', () => {
    fc.assert(
      fc.property(payload.filter((p) => p.length > 0), fc.nat(), fc.nat(7), (span, index, bit) => {
        const signature = signSha256WithRsa(span, alipayPrivate);
        const bytes = Buffer.from(span, 'utf8');
        bytes[index % bytes.length] ^= 1 << bit;
        // an invalid UTF-8 sequence decodes to U+FFFD, which also differs from the signed text
        const altered = bytes.toString('utf8');
        fc.pre(altered !== span);
        expect(verifiedSpan(altered, signature, alipayPublic)).to.equal(undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects the payload when any single byte of the signature changes', () => {
    fc.assert(
      fc.property(payload, fc.nat(255), fc.nat(7), (span, index, bit) => {
        const signature = Buffer.from(signSha256WithRsa(span, alipayPrivate), 'base64');
        signature[index] ^= 1 << bit;
        expect(verifiedSpan(span, signature.toString('base64'), alipayPublic)).to.equal(undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects anything that is not base64 as a signature', () => {
    fc.assert(
      fc.property(payload, fc.string(), (span, junk) => {
        expect(verifiedSpan(span, junk, alipayPublic)).to.equal(undefined);
      }),
      { numRuns: 200 },
    );
  });
});
