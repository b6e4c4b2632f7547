/**
 * RedisStateStore against a real redis-server (started here; .ci/run installs it): two app
 * instances without any session middleware share one store, concurrent replays of a callback pass
 * the state check exactly once, and the store keeps states apart per tab, strategy and callback.
 */
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'http';
import passport from 'passport';
import { createClient } from 'redis';
import { AlipayStrategy, RedisStateStore, type RedisStateClient } from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials } from 'passport-alipay/testing';
import { freePort } from '../../e2e/demo-server';
import { connectRedisClient, requireRedisServer, startRedis } from './redis-server';
import { BrowserlessClient } from './browserless-client';
import { startRedisStoreApp } from './redis-store-app';

interface Instance {
  url: string;
  server: Server;
}

/** An app without sessions: the state lives only in Redis. */
async function startInstance(app: SimulatedAppCredentials, client: RedisStateClient, publicURL: string, ttl?: number, port?: number): Promise<Instance> {
  port ??= await freePort();
  const pp = new passport.Passport();
  const store = new RedisStateStore({ client, ttl });
  const verify = (_a: string, _r: string, profile: { id: string }, done: (e: null, u: object) => void) => done(null, { id: profile.id });
  pp.use(new AlipayStrategy({ ...app, callbackURL: `${publicURL}/auth/alipay/callback`, store }, verify));
  pp.use(new AlipayStrategy({ ...app, name: 'alipay-other', callbackURL: `${publicURL}/auth/alipay/callback`, store }, verify));
  const web = express();
  web.get('/auth/alipay', pp.authenticate('alipay', { session: false, state: { returnTo: '/after' } } as never));
  web.get('/auth/alipay/elsewhere', pp.authenticate('alipay', { session: false, callbackURL: `${publicURL}/auth/alipay/elsewhere/callback` } as never));
  const done = (req: express.Request, res: express.Response) => res.json({ user: req.user, authInfo: (req as { authInfo?: unknown }).authInfo });
  web.get('/auth/alipay/callback', pp.authenticate('alipay', { session: false }), done);
  web.get('/auth/alipay/other-callback', pp.authenticate('alipay-other', { session: false }), done);
  web.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ error: (err as Error).message });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = web.listen(port, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${port}`, server };
}

for (const flavour of ['node-redis', 'ioredis'] as const) {
  describe(`system: RedisStateStore with ${flavour}, two instances, no sessions`, function () {
    this.timeout(60_000);
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let sim: AlipaySimulator;
    let client: RedisStateClient & { quit(): Promise<unknown> };
    let a: Instance;
    let b: Instance;
    let short: Instance;

    before(async function () {
      requireRedisServer(this);
      redis = await startRedis();
      sim = await createAlipaySimulator();
      client = await connectRedisClient(flavour, redis.url);
      const app = sim.createApp();
      const aPort = await freePort();
      // Both instances advertise A's address, as behind a load balancer.
      a = await startInstance(app, client, `http://127.0.0.1:${aPort}`, undefined, aPort);
      b = await startInstance(app, client, a.url);
      short = await startInstance(app, client, a.url, 1);
    });
    after(async () => {
      for (const i of [a, b, short]) i?.server.close();
      await client?.quit();
      await sim?.close();
      await redis?.stop();
    });

    /** The browser of these tests (its cookie jar carries the login's binding); others are made where needed. */
    let browser: BrowserlessClient;
    beforeEach(() => {
      browser = new BrowserlessClient();
    });
    const fetch = (url: string | URL) => browser.request(String(url));

    async function startLogin(on: Instance, path = '/auth/alipay', by = browser): Promise<string> {
      const res = await by.request(on.url + path);
      expect(res.status).to.equal(302);
      return res.headers.get('location') as string;
    }

    const tokenCalls = () => sim.calls.filter((c) => c.method === 'alipay.system.oauth.token').length;
    const onInstance = (url: string, instance: Instance) => url.replace(/^http:\/\/127\.0\.0\.1:\d+/, instance.url);

    it('keeps the state in Redis, bound to a random 24-character key', async () => {
      const state = new URL(await startLogin(a)).searchParams.get('state') as string;
      expect(state).to.match(/^[A-Za-z0-9_-]{24}$/);
    });

    it('completes on instance B a login started on instance A, with its returnTo', async () => {
      const callback = sim.approve(await startLogin(a), '2088102000000001');
      const res = await fetch(onInstance(callback, b));
      expect(res.status).to.equal(200);
      const body = await res.json();
      expect(body.user).to.deep.equal({ id: '2088102000000001' });
      expect(body.authInfo.state).to.deep.equal({ returnTo: '/after' });
    });

    it('lets exactly one of ten concurrent copies of a callback, split over two instances, pass the state check', async () => {
      const callback = sim.approve(await startLogin(a), '2088102000000002');
      const before = tokenCalls();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(onInstance(callback, i % 2 ? a : b)).then((r) => r.status)));
      expect(results.filter((s) => s === 200)).to.have.length(1);
      expect(results.filter((s) => s === 403)).to.have.length(9);
      // Only the state check stopped the nine others: Alipay saw a single exchange.
      expect(tokenCalls() - before).to.equal(1);
    });

    it('does not let a callback with a wrong state consume the pending one', async () => {
      const callback = sim.approve(await startLogin(a), '2088102000000001');
      const forged = new URL(callback);
      forged.searchParams.set('state', 'A'.repeat(24));
      expect((await fetch(forged)).status).to.equal(403);
      expect((await fetch(callback)).status).to.equal(200);
    });

    it('binds a login started without a session to the browser with an HttpOnly, SameSite=Lax cookie for the callback path', async () => {
      const res = await fetch(`${a.url}/auth/alipay`);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('passport_alipay_binding='));
      expect(cookie).to.match(/^passport_alipay_binding=[A-Za-z0-9_-]{24}; Path=\/auth\/alipay\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    });

    it("never signs in the browser that opens another browser's unused callback (login CSRF), and leaves that login intact", async () => {
      const attacker = new BrowserlessClient();
      const callback = sim.approve(await startLogin(a, '/auth/alipay', attacker), '2088102000000003');
      const before = tokenCalls();
      expect((await browser.request(callback)).status).to.equal(403);
      expect((await new BrowserlessClient().request(callback)).status).to.equal(403);
      expect(tokenCalls()).to.equal(before);
      expect((await attacker.request(callback)).status).to.equal(200);
    });

    it('claims a key once (SET NX PX), as phoneNumberOnce needs', async () => {
      const store = new RedisStateStore({ client });
      const key = `test-${Date.now()}-${Math.random()}`;
      expect(await store.claimOnce(key, 60)).to.equal(true);
      expect(await store.claimOnce(key, 60)).to.equal(false);
    });

    it('keeps two tabs apart: both logins complete', async () => {
      const first = sim.approve(await startLogin(a), '2088102000000001');
      const second = sim.approve(await startLogin(b), '2088102000000002');
      expect((await fetch(onInstance(second, a))).status).to.equal(200);
      expect((await fetch(first)).status).to.equal(200);
    });

    it('refuses a state issued for another strategy name', async () => {
      const callback = sim.approve(await startLogin(a), '2088102000000001');
      expect((await fetch(callback.replace('/auth/alipay/callback', '/auth/alipay/other-callback'))).status).to.equal(403);
    });

    it('refuses a state issued for another callback URL', async () => {
      const callback = sim.approve(await startLogin(a, '/auth/alipay/elsewhere'), '2088102000000001');
      const query = new URL(callback).search;
      expect((await fetch(`${a.url}/auth/alipay/callback${query}`)).status).to.equal(403);
    });

    it('forgets a state after its TTL', async () => {
      const callback = sim.approve(await startLogin(short), '2088102000000001');
      await new Promise((r) => setTimeout(r, 1300));
      expect((await fetch(onInstance(callback, short))).status).to.equal(403);
    });
  });
}

describe('system: RedisStateStore beside sessions binds each login to the session', function () {
  this.timeout(30_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sim: AlipaySimulator;
  let client: ReturnType<typeof createClient>;
  let server: Server;
  let url: string;

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    sim = await createAlipaySimulator();
    client = createClient({ url: redis.url });
    await client.connect();
    ({ url, server } = await startRedisStoreApp(sim.createApp(), client as unknown as RedisStateClient, true));
  });
  after(async () => {
    server?.close();
    await client?.quit();
    await sim?.close();
    await redis?.stop();
  });

  it('sets no binding cookie: the session holds the binding', async () => {
    const res = await new BrowserlessClient().request(`${url}/auth/alipay`);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('passport_alipay_binding='))).to.equal(false);
  });

  it("signs in the session that started the login, and never another session that opens its callback", async () => {
    const attacker = new BrowserlessClient();
    const start = await attacker.request(`${url}/auth/alipay`);
    const callback = sim.approve(start.headers.get('location') as string, '2088102000000003');
    const victim = new BrowserlessClient();
    await victim.request(`${url}/auth/alipay`); // the victim has a session of its own
    expect((await victim.request(callback)).status).to.equal(403);
    const res = await attacker.request(callback);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ id: '2088102000000003' });
  });
});

describe('system: RedisStateStore while Redis is down', function () {
  this.timeout(30_000);

  before(function () {
    requireRedisServer(this);
  });

  it('answers 503 within its timeout instead of hanging, and never crashes the app', async () => {
    const redis = await startRedis();
    const sim = await createAlipaySimulator();
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 200 } });
    client.on('error', () => {});
    await client.connect();
    const web = express();
    const pp = new passport.Passport();
    const store = new RedisStateStore({ client: client as unknown as RedisStateClient, timeout: 500 });
    pp.use(new AlipayStrategy({ ...sim.createApp(), callbackURL: 'http://127.0.0.1/cb', store }, (_a, _r, p, done) => done(null, p)));
    web.get('/auth/alipay', pp.authenticate('alipay', { session: false }));
    web.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).end();
    });
    const port = await freePort();
    const server = web.listen(port, '127.0.0.1');
    try {
      await redis.stop();
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/auth/alipay`, { redirect: 'manual' });
      expect(res.status).to.equal(503);
      // The store's 500 ms limit answers, not a hang; a wide margin for a busy machine.
      expect(Date.now() - started).to.be.below(5000);
    } finally {
      server.close();
      await client.disconnect().catch(() => {});
      await sim.close();
    }
  });
});
