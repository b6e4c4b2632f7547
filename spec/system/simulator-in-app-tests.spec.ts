/**
 * The README's recipe for testing an app with the simulator, run as written: start the login on
 * the app, approve it with sim.approve(), follow the callback with the session cookie.
 */
import { expect } from 'chai';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { startDemo, type RunningDemo } from '../../e2e/demo-server';

describe('system: testing an app with sim.approve()', () => {
  let sim: AlipaySimulator;
  let app: RunningDemo;
  before(async () => {
    sim = await createAlipaySimulator();
    app = await startDemo({ mainland: sim.createApp({ idMode: 'open_id' }), macao: sim.createMacaoClient() });
  });
  after(async () => {
    await app.stop();
    await sim.close();
  });

  it('signs a user in without a browser, CSRF state included', async () => {
    const start = await fetch(`${app.url}/auth/alipay`, { redirect: 'manual' });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
    const callback = sim.approve(start.headers.get('location') as string, '2088102000000001');
    const done = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(done.status).to.equal(302);
    expect(done.headers.get('location')).to.equal('/profile');
  });
});
