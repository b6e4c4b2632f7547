/**
 * The helpers `passport-alipay/testing` gives users for their own nock tests: fresh keys, and
 * gateway, Macao and phone-number answers signed so that the strategies verify them for real.
 */
import { expect } from 'chai';
import { createPublicKey, createPrivateKey } from 'crypto';
import nock from 'nock';
import { AlipayAPIError, AlipayInAppStrategy, AlipayMacaoStrategy, AlipaySignatureError, AlipayStrategy } from '../../lib';
import { generateTestKeys, phoneNumberPayload, signedGatewayResponse, signedMacaoResponse } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';

const keys = generateTestKeys();
const other = generateTestKeys();
const verify = (_a: string, _r: string, profile: object, done: (e: null, u: object) => void) => done(null, profile);
const TOKEN = { user_id: '2088102000000001', access_token: 'authusrB1', expires_in: 1296000, refresh_token: 'authusrB2', re_expires_in: 2592000 };

function mainland() {
  return new AlipayStrategy({ appId: '2021000000000001', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, callbackURL: 'https://www.example.com/cb', state: false }, verify);
}
const callback = (req: Record<string, any>) => {
  req.query = { auth_code: 'code-1' };
};

describe('passport-alipay/testing helpers', () => {
  it('generateTestKeys() gives two distinct PEM key pairs that belong together, and a 16-byte base64 AES key', () => {
    expect(createPublicKey(keys.appPrivateKey).export({ type: 'spki', format: 'pem' })).to.equal(keys.appPublicKey);
    expect(createPublicKey(keys.alipayPrivateKey).export({ type: 'spki', format: 'pem' })).to.equal(keys.alipayPublicKey);
    expect(keys.appPublicKey).not.to.equal(keys.alipayPublicKey);
    expect(createPrivateKey(keys.appPrivateKey).asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(Buffer.from(keys.aesKey, 'base64')).to.have.length(16);
  });

  it('signedGatewayResponse() answers the token call so that AlipayStrategy verifies it', async () => {
    nock('https://openapi.alipay.com').post('/gateway.do').query(true).reply(200, signedGatewayResponse('alipay.system.oauth.token', TOKEN, keys.alipayPrivateKey));
    const user = expectAction(await run(mainland(), callback), 'success').user as { id: string };
    expect(user.id).to.equal('2088102000000001');
  });

  it('signedGatewayResponse() makes a signed error_response of a payload with a sub_code', async () => {
    const body = signedGatewayResponse('alipay.system.oauth.token', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid', sub_msg: 'code invalid' }, keys.alipayPrivateKey);
    expect(JSON.parse(body)).to.have.property('error_response');
    nock('https://openapi.alipay.com').post('/gateway.do').query(true).reply(200, body);
    const { err } = expectAction(await run(mainland(), callback), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'isv.code-invalid', signed: true });
  });

  it('signedGatewayResponse() with another key is refused as a bad signature', async () => {
    nock('https://openapi.alipay.com').post('/gateway.do').query(true).reply(200, signedGatewayResponse('alipay.system.oauth.token', TOKEN, other.alipayPrivateKey));
    expect(expectAction(await run(mainland(), callback), 'error').err).to.be.instanceOf(AlipaySignatureError);
  });

  it("signedMacaoResponse() answers the envelope the strategy posted, echoing its head", async () => {
    const strategy = new AlipayMacaoStrategy(
      { clientId: 'CLIENT1', authMerchantId: '2182400000001037', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey },
      verify,
    );
    const expires = '2037-12-31T16:00:20+08:00';
    nock('https://open.alipaymo.com')
      .post('/api/alipay/intl/oauth/auth/applyToken.htm')
      .reply(200, (_uri, body) =>
        signedMacaoResponse(
          typeof body === 'string' ? body : JSON.stringify(body),
          {
            resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' },
            accessTokenInfo: { accessToken: 'AT1', expiresIn: expires, refreshToken: 'RT1', reExpiresIn: expires, tokenStatus: 'ACTIVE' },
            authSiteUserId: '2182123456123456',
          },
          keys.alipayPrivateKey,
        ),
      );
    const out = await run(strategy, (req) => {
      req.method = 'POST';
      req.headers['content-type'] = 'application/json';
      req.body = { authCode: 'code-2' };
    });
    expect((expectAction(out, 'success').user as { id: string }).id).to.equal('2182123456123456');
  });

  it('phoneNumberPayload() takes the keys as generateTestKeys() gives them, and AlipayInAppStrategy reads the number', async () => {
    const strategy = new AlipayInAppStrategy({ appId: '2021000000000001', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, aesKey: keys.aesKey }, verify);
    nock('https://openapi.alipay.com').post('/gateway.do').query(true).reply(200, signedGatewayResponse('alipay.system.oauth.token', TOKEN, keys.alipayPrivateKey));
    const phoneNumber = phoneNumberPayload({ code: '10000', msg: 'Success', mobile: '13800000009' }, keys.aesKey, keys.alipayPrivateKey);
    const out = await run(strategy, (req) => {
      req.method = 'POST';
      req.headers['content-type'] = 'application/json';
      req.body = { authCode: 'code-3', phoneNumber };
    });
    expect(expectAction(out, 'success').user).to.include({ phoneNumber: '13800000009' });
  });
});
