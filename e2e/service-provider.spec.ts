/**
 * The demo's service-provider mode in a real browser: a merchant authorizes the provider app on
 * the simulator's app-authorization page, then a user signs into that merchant's app through the
 * provider backend; a login for a merchant that never authorized the provider is refused, and a
 * callback started for one merchant cannot complete as another.
 */
import { expect } from 'chai';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from './demo-server';

const SHOTS = join(__dirname, '..', 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('demo service-provider mode in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let demo: RunningDemo;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    demo = await startDemo({ loginRateLimit: 0 });
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });
  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  /** The merchant apps the provider page lists, in order. */
  async function merchantIds(): Promise<string[]> {
    await page.goto(`${demo.url}/provider`);
    return page.$$eval('#merchants li', (items) => items.map((li) => li.id.replace('merchant-', '')));
  }

  /** A merchant authorizes the provider app for `merchantAppId` on the simulator's page. */
  async function onboard(merchantAppId: string) {
    await page.goto(`${demo.url}/provider`);
    await page.click('#onboard');
    await page.waitForSelector('#agree');
    await page.check(`input[name="merchant_app_id"][value="${merchantAppId}"]`);
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/provider`);
  }

  it('onboards a merchant, then signs a user into its app through the provider', async () => {
    const [tea] = await merchantIds();
    await page.click('#onboard');
    await page.waitForSelector('#agree');
    await page.screenshot({ path: join(SHOTS, 'provider-app-authorization.png'), fullPage: true });
    await page.check(`input[name="merchant_app_id"][value="${tea}"]`);
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/provider`);
    expect(await page.textContent(`#merchant-${tea}`)).to.include('authorized');
    await page.click(`#login-${tea}`);
    await page.waitForSelector('#agree');
    expect(new URL(page.url()).searchParams.get('app_id')).to.equal(tea);
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-merchantAppId')).to.equal(tea);
    expect(await page.textContent('#profile-name')).to.equal('张三');
    await page.screenshot({ path: join(SHOTS, 'provider-user-profile.png'), fullPage: true });
  });

  it('refuses a login for a merchant that never authorized the provider', async () => {
    const [, bakery] = await merchantIds();
    const response = await page.goto(`${demo.url}/provider/auth?merchant=${bakery}`);
    expect(response?.status()).to.equal(404);
    expect(await page.textContent('#failure-code')).to.equal('ALIPAY_MERCHANT_UNKNOWN');
  });

  it("refuses a callback started for one merchant that comes back with another merchant's app_id", async () => {
    const [tea, bakery] = await merchantIds();
    await onboard(tea);
    await onboard(bakery);
    await page.goto(`${demo.url}/provider/auth?merchant=${tea}`);
    await page.waitForSelector('#agree');
    // Alipay sends the browser back for the tea house; rewrite that redirect to claim the bakery's app.
    await page.route('**/oauth2/consent', async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 });
      const location = new URL(answer.headers().location);
      location.searchParams.set('app_id', bakery);
      await route.fulfill({ status: 302, headers: { location: location.toString() } });
    });
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/provider/auth/callback')), page.click('#agree')]);
    expect(response.status()).to.equal(403);
    expect(await page.textContent('#failure-message')).to.match(/not for the merchant app/);
  });
});
