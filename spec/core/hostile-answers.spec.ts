/**
 * Hostile gateway answers are located with the scanner and verified before anything is parsed; the
 * certificate splitter is linear. These check behaviour (the right error, no crash), not timing:
 * the benchmark is where costs are measured.
 */
import { expect } from 'chai';
import { AlipaySignatureError, AlipayTransportError } from '../../lib';
import { splitPemCertificates } from '../../lib/alipay/cert-sn';
import { parseSignedJson } from '../../lib/core/signed-json';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, gatewayBody, nockGateway, nockToken, node, strategy } from '../helpers/alipay';
import { certs } from '../helpers/fixtures';

const NESTED = '['.repeat(400_000) + ']'.repeat(400_000);
const login = () => run(strategy(), callback({ auth_code: AUTH_CODE }));

describe('hostile gateway answers', () => {
  it('refuses a signed node of deeply nested arrays as a bad signature, without parsing it', async () => {
    nockGateway('alipay.system.oauth.token', `{"${TOKEN_NODE}":${NESTED},"sign":"AAAA"}`);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError);
  });

  it('refuses an unsigned node of deeply nested arrays as an invalid response', async () => {
    nockGateway('alipay.system.oauth.token', `{"error_response":${NESTED}}`);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('signs the user in when an unrelated member holds deeply nested arrays', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { before: `"padding":${NESTED},` });
    expectAction(await login(), 'success');
  });

  it('refuses a signed node that is not a JSON object', async () => {
    nockGateway('alipay.system.oauth.token', gatewayBody(TOKEN_NODE, '[1,2,3]'));
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('refuses scalars the scanner lets through but JSON does not (signed garbage)', async () => {
    nockGateway('alipay.system.oauth.token', gatewayBody(TOKEN_NODE, '{"a":nope}'));
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('reads sign only when it is a JSON string', () => {
    const doc = parseSignedJson('{"sign":12,"s":"a\\/b"}', 200, 'test');
    expect(doc.text('sign')).to.equal(undefined);
    expect(doc.text('s')).to.equal('a/b');
  });
});

describe('certificate PEM splitting', () => {
  it('splits a bundle into its certificates, in order', () => {
    const blocks = splitPemCertificates(certs.rootBundle);
    expect(blocks.length).to.be.greaterThan(1);
    expect(blocks.every((b) => b.startsWith('-----BEGIN CERTIFICATE-----') && b.endsWith('-----END CERTIFICATE-----'))).to.equal(true);
  });

  it('returns nothing for 256 KiB of BEGIN markers without END (linear, no backtracking)', () => {
    const hostile = '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil((256 * 1024) / 28));
    expect(splitPemCertificates(hostile)).to.deep.equal([]);
  });

  it('stops at an unterminated block after complete ones', () => {
    expect(splitPemCertificates(certs.app + '\n-----BEGIN CERTIFICATE-----\nAAAA')).to.have.length(1);
  });
});
