/**
 * A service provider's logins with the state in a real Redis (RedisStateStore, no sessions): the
 * merchant a login started for is recorded with its state in Redis, a callback for another merchant
 * is refused, and the right one signs the user into the merchant's app.
 */
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'http';
import passport from 'passport';
import { createClient } from 'redis';
import { AlipayStrategy, RedisStateStore, type RedisStateClient } from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { freePort } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';
import { requireRedisServer, startRedis } from './redis-server';

describe('system: service-provider logins with RedisStateStore', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: ReturnType<typeof createClient>;
  let sim: AlipaySimulator;
  let server: Server;
  let url: string;
  const merchants = new Map<string, string>();

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
    sim = await createAlipaySimulator();
    const provider = sim.createApp({ serviceProvider: true });
    for (const name of ['tea', 'bakery']) {
      const merchant = sim.createApp({ name });
      merchants.set(name, merchant.appId);
      merchants.set(merchant.appId, sim.authorizeProvider(provider.appId, merchant.appId).appAuthToken);
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const pp = new passport.Passport();
    pp.use(
      new AlipayStrategy(
        {
          appId: provider.appId,
          privateKey: provider.privateKey,
          alipayPublicKey: provider.alipayPublicKey,
          authorizationURL: provider.authorizationURL,
          gatewayURL: provider.gatewayURL,
          callbackURL: `${url}/auth/alipay/callback`,
          store: new RedisStateStore({ client: client as unknown as RedisStateClient }),
          // Untyped on purpose: an inline resolver returning an object literal must keep the
          // verify function's parameter types (see ResolvedMerchantApp).
          merchant: (req, lookup) => {
            const appId = lookup.appId ?? new URL(req.url ?? '/', url).searchParams.get('merchant') ?? '';
            const appAuthToken = merchants.get(appId);
            return appAuthToken ? { appId, appAuthToken } : undefined;
          },
        },
        (_a, _r, profile, done) => done(null, { id: profile.id, merchantAppId: profile.merchantAppId }),
      ),
    );
    const app = express();
    app.get('/auth/alipay', pp.authenticate('alipay', { session: false }));
    app.get('/auth/alipay/callback', pp.authenticate('alipay', { session: false }), (req, res) => res.json(req.user));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
  });
  after(async () => {
    server?.close();
    await client?.quit();
    await sim?.close();
    await redis?.stop();
  });

  async function started(browser: BrowserlessClient, merchant: string): Promise<string> {
    const start = await browser.request(`${url}/auth/alipay?merchant=${merchants.get(merchant)}`);
    expect(start.status).to.equal(302);
    return start.headers.get('location') as string;
  }

  it("signs the user into the merchant's app the login started for", async () => {
    const browser = new BrowserlessClient();
    const callback = sim.approve(await started(browser, 'tea'), '2088102000000001');
    const res = await browser.request(callback);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ id: '2088102000000001', merchantAppId: merchants.get('tea') });
  });

  it("refuses a callback started for one merchant that names another merchant's app", async () => {
    const browser = new BrowserlessClient();
    const callback = new URL(sim.approve(await started(browser, 'tea'), '2088102000000001'));
    callback.searchParams.set('app_id', merchants.get('bakery') as string);
    const res = await browser.request(callback.toString());
    expect(res.status).to.equal(403);
  });
});
