import { expect } from 'chai';
import { createHash } from 'crypto';
import { AlipayAPIError, AlipaySignatureError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, nockToken, node, strategy } from '../helpers/alipay';
import { certs } from '../helpers/fixtures';
import { certificateSn, loadCertificate, rootCertificateSn } from '../../lib/alipay/cert-sn';

// spec/fixtures/generate.sh issues the certificates with this issuer and these serials.
const ISSUER = 'CN=Test Root CA,OU=Certification Authority,O=Test Financial,C=CN';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const APP_SN = md5(ISSUER + BigInt('0x1A2B3C4D5E6F').toString());
const ALIPAY_SN = md5(ISSUER + BigInt('0x0102030405060708090A').toString());
const ROOT_SN = md5(ISSUER + BigInt('0x7E57').toString());

const certMode = { alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle };

describe('certificate mode', () => {
  it('computes the app certificate SN from issuer DN and decimal serial', () => {
    expect(certificateSn(loadCertificate(certs.app, 'appCert'))).to.equal(APP_SN);
  });

  it('computes the Alipay certificate SN', () => {
    expect(certificateSn(loadCertificate(certs.alipay, 'alipayPublicCert'))).to.equal(ALIPAY_SN);
  });

  it('takes only RSA-signed certificates of the root bundle (skips the EC one)', () => {
    expect(rootCertificateSn(certs.rootBundle, 'alipayRootCert')).to.equal(ROOT_SN);
  });

  it('joins several RSA root SNs with _ in file order', () => {
    const doubled = certs.rootBundle + '\n' + certs.rootBundle;
    expect(rootCertificateSn(doubled, 'alipayRootCert')).to.equal(`${ROOT_SN}_${ROOT_SN}`);
  });

  it('sends both SNs as signed common parameters', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'), { after: `,"alipay_cert_sn":"${ALIPAY_SN}"` });
    expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'success');
    expect(captured[0].query.get('app_cert_sn')).to.equal(APP_SN);
    expect(captured[0].query.get('alipay_root_cert_sn')).to.equal(ROOT_SN);
  });

  it('verifies responses with the key from the Alipay certificate', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { before: `"alipay_cert_sn":"${ALIPAY_SN}",` });
    expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'success');
  });

  it('rejects a response signed under another certificate SN', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { after: ',"alipay_cert_sn":"00000000000000000000000000000000"' });
    const { err } = expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_CERT_SN_MISMATCH' });
    expect(err.message).to.match(/download the current/);
  });

  it('rejects a response without alipay_cert_sn in certificate mode', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const { err } = expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_CERT_SN_MISMATCH' });
  });
});

describe('certificate mode: signed refusals', () => {
  // The Java SDK (AbstractAlipayClient.checkResponseCertSign) requires alipay_cert_sn only on
  // success responses; a signed error_response without it is Alipay's refusal (PROTOCOL A6).
  it('reports a signed error_response without alipay_cert_sn as Alipay refused it', async () => {
    nockToken('error_response', node('error-code-invalid'));
    const { err } = expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError);
    expect(err).to.include({ code: '40002', subCode: 'isv.code-invalid', signed: true });
  });

  it('still refuses a tampered error_response in certificate mode', async () => {
    nockToken('error_response', node('error-code-invalid'), { signOver: '{"tampered":true}' });
    const { err } = expectAction(await run(strategy(certMode), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError);
  });
});
