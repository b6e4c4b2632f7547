/**
 * Login CSRF through an unused callback URL, in a real browser, for every state store: the attacker
 * starts a login, consents as themselves, and sends the victim the callback URL before using it. The
 * victim's browser must never end up signed in as the attacker (nor receive the attacker's token),
 * whether the state lives in the session (the default store), in Redis beside a session, or in Redis
 * with `session: false` (bound to the browser by a cookie).
 */
import { expect } from 'chai';
import type { Server } from 'http';
import { chromium, type Browser } from 'playwright-core';
import { createClient } from 'redis';
import type { RedisStateClient } from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { BrowserlessClient } from '../spec/system/browserless-client';
import { requireRedisServer, startRedis, type RunningRedis } from '../spec/system/redis-server';
import { startRedisStoreApp } from '../spec/system/redis-store-app';
import { startDemo, type RunningDemo } from './demo-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ATTACKER = '2088102000000003';

describe('login CSRF through an unused callback URL, in a real browser, for every state store', function () {
  this.timeout(60_000);
  let browser: Browser;
  let redis: RunningRedis;
  let client: ReturnType<typeof createClient>;
  let sim: AlipaySimulator;
  let demo: RunningDemo;
  const servers: Server[] = [];

  before(async function () {
    requireRedisServer(this);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
    sim = await createAlipaySimulator();
    demo = await startDemo({ loginRateLimit: 0 });
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    await demo?.stop();
    await client?.quit();
    await sim?.close();
    await redis?.stop();
  });

  /** An app whose state lives in Redis; with `sessions`, users are kept in a session, else answered a JSON token. */
  async function redisApp(sessions: boolean): Promise<string> {
    const { url, server } = await startRedisStoreApp(sim.createApp(), client as unknown as RedisStateClient, sessions);
    servers.push(server);
    return url;
  }

  /** The attacker's unused callback URL for `appURL` (started and consented outside the victim's browser). */
  async function attackerCallback(appURL: string, alipay: AlipaySimulator = sim): Promise<string> {
    const start = await new BrowserlessClient().request(`${appURL}/auth/alipay`);
    return alipay.approve(start.headers.get('location') as string, ATTACKER);
  }

  /** Opens `callback` in a fresh browser context (the victim, who first visited the app); returns what it saw. */
  async function victimOpens(appURL: string, callback: string, mePath: string) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${appURL}/`);
      const response = await page.goto(callback);
      const body = await page.content();
      await page.goto(`${appURL}${mePath}`);
      return { status: response?.status(), body, after: await page.content() };
    } finally {
      await context.close();
    }
  }

  it('the default session store (the demo): the victim is refused and stays signed out', async () => {
    const seen = await victimOpens(demo.url, await attackerCallback(demo.url, demo.demo.simulator), '/profile');
    expect(seen.status).to.equal(403);
    expect(seen.after).not.to.include(ATTACKER);
  });

  it('RedisStateStore beside sessions: the victim is refused and stays signed out', async () => {
    const url = await redisApp(true);
    const seen = await victimOpens(url, await attackerCallback(url), '/me');
    expect(seen.status).to.equal(403);
    expect(seen.after).to.include('"user":null');
  });

  it("RedisStateStore with session: false: the victim's client never receives the attacker's token", async () => {
    const url = await redisApp(false);
    const seen = await victimOpens(url, await attackerCallback(url), '/me');
    expect(seen.status).to.equal(403);
    expect(seen.body).not.to.include(`token-for-${ATTACKER}`);
  });
});
