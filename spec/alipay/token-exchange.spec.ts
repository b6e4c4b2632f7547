import { expect } from 'chai';
import { createPublicKey, verify } from 'crypto';
import { AlipayGateway } from '../../lib/alipay/gateway';
import { loadPrivateKey, loadPublicKey } from '../../lib/core/keys';
import { resolveHttpSettings } from '../../lib/core/options';
import { expectAction, run } from '../helpers/passport';
import { APP_ID, AUTH_CODE, TOKEN_NODE, callback, node, nockToken, strategy } from '../helpers/alipay';
import { keys } from '../helpers/fixtures';

const FIXED = new Date(Date.UTC(2024, 4, 13, 9, 49, 20)); // 17:49:20 in Shanghai

function gatewayAt(clock: () => Date) {
  return new AlipayGateway({
    appId: APP_ID,
    gatewayURL: 'https://openapi.alipay.com/gateway.do',
    privateKey: loadPrivateKey(keys.appPrivatePkcs8, 'privateKey'),
    alipayPublicKey: loadPublicKey(keys.alipayPublic, 'alipayPublicKey'),
    http: resolveHttpSettings({}),
    clock,
  });
}

describe('alipay.system.oauth.token request', () => {
  it('signs the documented content (golden vector)', () => {
    const { signContent } = gatewayAt(() => FIXED).buildRequest('alipay.system.oauth.token', {
      grant_type: 'authorization_code',
      code: AUTH_CODE,
    });
    expect(signContent).to.equal(
      `app_id=${APP_ID}&charset=utf-8&code=${AUTH_CODE}&grant_type=authorization_code` +
        '&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2024-05-13 17:49:20&version=1.0',
    );
  });

  it('sends a signature that verifies independently with the app public key', () => {
    const { query, signContent } = gatewayAt(() => FIXED).buildRequest('alipay.system.oauth.token', {
      grant_type: 'authorization_code',
      code: AUTH_CODE,
    });
    const sign = new URLSearchParams(query.slice(1)).get('sign') as string;
    const ok = verify('sha256', Buffer.from(signContent, 'utf8'), createPublicKey(keys.appPublic), Buffer.from(sign, 'base64'));
    expect(ok).to.equal(true);
  });

  it('is deterministic for fixed inputs (PKCS#1 v1.5 signatures are)', () => {
    const build = () => gatewayAt(() => FIXED).buildRequest('alipay.system.oauth.token', { grant_type: 'authorization_code', code: AUTH_CODE });
    expect(build().query).to.equal(build().query);
  });

  it('puts common parameters in the query string and grant parameters in the body', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'success');
    const [request] = captured;
    expect([...request.query.keys()].sort()).to.deep.equal(
      ['app_id', 'charset', 'method', 'sign', 'sign_type', 'timestamp', 'version'],
    );
    expect(Object.fromEntries(request.body)).to.deep.equal({ grant_type: 'authorization_code', code: AUTH_CODE });
    expect(request.headers['content-type']).to.equal('application/x-www-form-urlencoded;charset=utf-8');
  });

  it('sends the timestamp in Shanghai time under TZ=America/Los_Angeles', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
      const before = Date.now();
      expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'success');
      const sent = captured[0].query.get('timestamp') as string;
      const asUtc = Date.parse(sent.replace(' ', 'T') + '+08:00');
      expect(Math.abs(asUtc - before)).to.be.below(5000);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('signs what it sends: the gateway can verify the received parameters', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'success');
    const all = { ...Object.fromEntries(captured[0].query), ...Object.fromEntries(captured[0].body) };
    const { sign, ...rest } = all;
    const content = Object.keys(rest).sort().map((k) => `${k}=${rest[k]}`).join('&');
    expect(verify('sha256', Buffer.from(content), createPublicKey(keys.appPublic), Buffer.from(sign, 'base64'))).to.equal(true);
  });

  it('makes exactly one gateway call per callback, even when it fails', async () => {
    const { captured } = nockToken('error_response', node('error-code-invalid'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'error');
    expect(captured).to.have.length(1);
  });
});
