/**
 * Two demo instances behind an imaginary load balancer, sharing sessions in Redis: a login started
 * on instance A completes on instance B, and its state is single-use across both.
 */
import { expect } from 'chai';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { freePort, startDemo, type RunningDemo } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';
import { requireRedisServer, startRedis } from './redis-server';

describe('system: two instances sharing sessions in Redis', function () {
  this.timeout(60_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sim: AlipaySimulator;
  let a: RunningDemo;
  let b: RunningDemo;

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    sim = await createAlipaySimulator();
    const mainland = sim.createApp();
    const macao = sim.createMacaoClient();
    const [portA, portB] = [await freePort(), await freePort()];
    // Both instances advertise instance A's address as the public one, as behind a load balancer.
    const shared = { redisURL: redis.url, sessionSecret: 'shared-secret', baseURL: `http://127.0.0.1:${portA}`, mainland, macao };
    a = await startDemo({ ...shared, port: portA });
    b = await startDemo({ ...shared, port: portB });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await sim?.close();
    await redis?.stop();
  });

  /** The callback as the load balancer would route it to instance B. */
  const onB = (callbackURL: string) => callbackURL.replace(a.url, b.url);

  it('completes on instance B a login started on instance A', async () => {
    const client = new BrowserlessClient();
    const callbackURL = await client.consent(a.url, '2088102000000002');
    expect(await client.complete(onB(callbackURL), b.url)).to.deep.equal({ status: 302, id: '2088102000000002' });
    expect(client.failures).to.deep.equal([]);
  });

  it('refuses on instance A a callback already used on instance B', async () => {
    const client = new BrowserlessClient();
    const callbackURL = await client.consent(a.url, '2088102000000001');
    expect((await client.complete(onB(callbackURL), b.url)).status).to.equal(302);
    expect((await client.complete(callbackURL, a.url)).status).to.equal(403);
  });

  it('keeps the signed-in session visible on both instances', async () => {
    const client = new BrowserlessClient();
    await client.login(a.url, '2088102000000003');
    const onInstanceB = await client.request(`${b.url}/profile`);
    expect(await onInstanceB.text()).to.include('id="profile-id">2088102000000003<');
  });
});
