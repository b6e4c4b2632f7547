/**
 * A user revokes the demo's authorization in Alipay (on the simulator): Alipay's signed
 * `alipay.open.auth.userauth.cancelled` message reaches the demo's application gateway, and the
 * user is signed out of every browser they were signed in with, with sessions in memory and in a
 * real Redis; other users stay signed in.
 */
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireRedisServer, startRedis, type RunningRedis } from '../spec/system/redis-server';
import { startDemo, type RunningDemo } from './demo-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const [ZHANG, LI] = ['2088102000000001', '2088102000000002'];

describe('revoked authorization in a real browser: the demo signs the user out everywhere', function () {
  this.timeout(60_000);
  let browser: Browser;
  let redis: RunningRedis | undefined;

  before(async function () {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await redis?.stop();
  });

  /** A fresh browser (its own cookies) signed in as `userId`; resolves with its page and the app id the consent page named. */
  async function signedIn(demo: RunningDemo, userId: string): Promise<{ page: Page; appId: string }> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${demo.url}/`);
    await page.click('#login-alipay');
    await page.waitForSelector('#agree');
    const appId = new URL(page.url()).searchParams.get('app_id') as string;
    await page.check(`input[name="user"][value="${userId}"]`);
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
    return { page, appId };
  }

  async function stillSignedIn(page: Page, demo: RunningDemo): Promise<boolean> {
    await page.goto(`${demo.url}/profile`);
    return page.url() === `${demo.url}/profile`;
  }

  for (const store of ['memory', 'Redis'] as const) {
    it(`signs the user out of every browser when the revocation arrives (${store} sessions)`, async function () {
      let demo: RunningDemo;
      if (store === 'Redis') {
        requireRedisServer(this);
        redis = await startRedis();
        demo = await startDemo({ loginRateLimit: 0, redisURL: redis.url });
      } else {
        demo = await startDemo({ loginRateLimit: 0 });
      }
      try {
        const phone = await signedIn(demo, ZHANG);
        const laptop = await signedIn(demo, ZHANG);
        const other = await signedIn(demo, LI);
        const delivery = await demo.demo.simulator?.revokeAuthorization(phone.appId, ZHANG);
        expect(delivery?.delivered).to.equal(true);
        for (const { page } of [phone, laptop]) {
          await page.goto(`${demo.url}/profile`);
          expect(page.url()).to.equal(`${demo.url}/?revoked=1`);
          expect(await page.textContent('#revoked')).to.include('revoked');
          expect(await stillSignedIn(page, demo)).to.equal(false);
        }
        expect(await stillSignedIn(other.page, demo)).to.equal(true);
        // Signing in again after the revocation works (Alipay asks for consent again).
        const again = await signedIn(demo, ZHANG);
        expect(await stillSignedIn(again.page, demo)).to.equal(true);
        for (const p of [phone, laptop, other, again]) await p.page.context().close();
      } finally {
        await demo.stop();
      }
    });
  }

  it('refuses a forged revocation posted to the gateway: nobody is signed out', async () => {
    const demo = await startDemo({ loginRateLimit: 0 });
    try {
      const { page, appId } = await signedIn(demo, ZHANG);
      const forged = new URLSearchParams({
        app_id: appId,
        msg_method: 'alipay.open.auth.userauth.cancelled',
        notify_id: 'forged-1',
        biz_content: JSON.stringify({ user_id: ZHANG, app_id: appId, cancel_time: String(Date.now()) }),
        sign_type: 'RSA2',
        sign: Buffer.alloc(256, 9).toString('base64'),
      });
      const res = await fetch(`${demo.url}/alipay/gateway`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: forged });
      expect(res.status).to.equal(403);
      expect(await stillSignedIn(page, demo)).to.equal(true);
      await page.context().close();
    } finally {
      await demo.stop();
    }
  });
});
