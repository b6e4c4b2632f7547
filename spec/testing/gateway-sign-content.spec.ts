/**
 * The simulator checks request signatures with its own implementation of PROTOCOL A4, so that a
 * regression in the package's sign-content code cannot pass users' simulator tests.
 */
import { expect } from 'chai';
import { createPrivateKey, sign } from 'crypto';
import { gatewaySignContent } from '../../lib/testing/gateway-sign-content';
import { createAlipaySimulator } from '../../lib/testing';
import { certificateSn, loadCertificate } from '../../lib/alipay/cert-sn';
import { certs, keys } from '../helpers/fixtures';

describe("the simulator's own sign content (PROTOCOL A4)", () => {
  it("matches PROTOCOL A4's example exactly", () => {
    const params = {
      app_id: '2021000000000000', method: 'alipay.system.oauth.token', charset: 'utf-8', sign_type: 'RSA2',
      timestamp: '2024-05-13 17:49:20', version: '1.0', grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b', sign: 'x',
    };
    expect(gatewaySignContent(params)).to.equal(
      'app_id=2021000000000000&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&grant_type=authorization_code&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2024-05-13 17:49:20&version=1.0',
    );
  });

  it('drops empty values, keeps raw (unencoded) text and sorts by code unit', () => {
    expect(gatewaySignContent({ b: '中 文&=', A: '1', a_b: '2', ab: '3', empty: '', sign: 's' })).to.equal('A=1&a_b=2&ab=3&b=中 文&=');
  });

  it('refuses a request signed over URL-encoded values, as the real gateway does', async () => {
    const sim = await createAlipaySimulator();
    try {
      const app = sim.createApp({ publicKey: keys.appPublic });
      const params: Record<string, string> = {
        app_id: app.appId, method: 'alipay.system.oauth.token', charset: 'utf-8', sign_type: 'RSA2', version: '1.0',
        timestamp: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
        grant_type: 'authorization_code', code: sim.mintAuthCode(app.appId, '2088102000000001'),
      };
      // A broken client: signs the encoded pairs instead of the raw ones.
      const encoded = Object.keys(params).sort().map((k) => `${k}=${encodeURIComponent(params[k])}`).join('&');
      params.sign = sign('sha256', Buffer.from(encoded), createPrivateKey(keys.appPrivatePkcs8)).toString('base64');
      const res = await fetch(app.gatewayURL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
      expect(await res.text()).to.include('isv.invalid-signature');
    } finally {
      await sim.close();
    }
  });

  it('answers in certificate mode with alipay_cert_sn before sign, as captured answers have it', async () => {
    const sim = await createAlipaySimulator({ alipayPrivateKey: keys.alipayPrivate, alipayCertSn: certificateSn(loadCertificate(certs.alipay, 'cert')) });
    try {
      const app = sim.createApp();
      const res = await fetch(app.gatewayURL, { method: 'POST', body: 'method=alipay.system.oauth.token' });
      expect(await res.text()).to.match(/^\{"error_response":\{.*\},"alipay_cert_sn":"[0-9a-f]{32}","sign":"[^"]+"\}$/);
    } finally {
      await sim.close();
    }
  });
});
