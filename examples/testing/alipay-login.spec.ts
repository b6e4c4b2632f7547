// mocha + chai: "Sign in with Alipay" tested with nock playing the gateway (helpers in gateway.ts).
import { expect } from 'chai';
import type { Server } from 'http';
import nock from 'nock';
import { gatewayAnswersUnsigned, gatewayGrantsToken, loginThroughCallback, startApp, stopApp } from './gateway';

describe('Sign in with Alipay', () => {
  let server: Server;
  let base: string;
  before(async () => ({ server, base } = await startApp()));
  after(() => stopApp(server));
  afterEach(() => nock.cleanAll());

  it('signs the user in with the user_id the gateway returns', async () => {
    const gateway = gatewayGrantsToken();
    const res = await loginThroughCallback(base);
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/');
    expect(gateway.isDone()).to.equal(true);
  });

  it('refuses an answer that Alipay did not sign', async () => {
    gatewayAnswersUnsigned();
    const res = await loginThroughCallback(base);
    expect(res.status).to.equal(500); // AlipaySignatureError reaches the app's error handler
    expect(await res.text()).to.equal('ALIPAY_SIGNATURE_INVALID');
  });
});
