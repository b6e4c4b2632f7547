/**
 * The demo in a real browser (Debian's chromium driven by playwright-core): every login flow, its
 * failures, and logout. Screenshots of the key pages go to test-results/screenshots/.
 */
import { expect } from 'chai';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from './demo-server';

const SHOTS = join(__dirname, '..', 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('demo in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let demo: RunningDemo;
  let openIdDemo: RunningDemo;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    demo = await startDemo();
    openIdDemo = await startDemo({ simulatorIdMode: 'open_id' });
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    await openIdDemo?.stop();
  });
  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function toConsentPage(base: string) {
    await page.goto(`${base}/`);
    await page.click('#login-alipay');
    await page.waitForSelector('#agree');
  }

  it('signs in with Alipay through the consent page (user_id app)', async () => {
    await page.goto(`${demo.url}/`);
    await shot('home');
    await page.click('#login-alipay');
    await page.waitForSelector('#agree');
    expect(await page.textContent('#scope')).to.equal('auth_user');
    await shot('consent');
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-provider')).to.equal('alipay');
    expect(await page.textContent('#profile-id')).to.equal('2088102000000001');
    expect(await page.textContent('#profile-name')).to.equal('张三');
    await shot('profile-alipay');
  });

  it('signs in with Alipay for an open_id app, with open_id as the id', async () => {
    await toConsentPage(openIdDemo.url);
    await page.click('#agree');
    await page.waitForURL(`${openIdDemo.url}/profile`);
    const id = await page.textContent('#profile-id');
    expect(id).to.have.length(43);
    expect(await page.textContent('#profile-openId')).to.equal(id);
    expect(await page.$('#profile-userId')).to.equal(null);
  });

  it('shows a failure page when the user cancels on the consent page', async () => {
    await toConsentPage(demo.url);
    await page.click('#cancel');
    await page.waitForSelector('#failure-message');
    expect(await page.textContent('#failure-message')).to.match(/no auth_code/);
    await shot('cancelled');
  });

  it('refuses a tampered state with a clear failure page', async () => {
    await toConsentPage(demo.url);
    await page.$eval('input[name="state"]', (el) => ((el as HTMLInputElement).value = 'forged-state'));
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/auth/alipay/callback')), page.click('#agree')]);
    expect(response.status()).to.equal(403);
    expect(await page.textContent('#failure-message')).to.match(/Invalid authorization request state/);
  });

  it('refuses a replayed callback URL', async () => {
    await toConsentPage(demo.url);
    const [callback] = await Promise.all([page.waitForRequest((r) => r.url().includes('/auth/alipay/callback')), page.click('#agree')]);
    await page.waitForURL(`${demo.url}/profile`);
    const response = await page.goto(callback.url());
    expect(response?.status()).to.equal(403);
    expect(await page.textContent('#failure-message')).to.match(/Unable to verify authorization request state/);
  });

  it('signs in with Alipay Macao through the grant page', async () => {
    await page.goto(`${demo.url}/`);
    await page.click('#login-macao');
    await page.waitForSelector('#agree');
    await shot('macao-grant');
    await page.click('label:has-text("李四") input');
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-provider')).to.equal('alipay-macao');
    expect(await page.textContent('#profile-id')).to.equal('2182123456120002');
    await shot('profile-macao');
  });

  async function localLogin() {
    await page.goto(`${demo.url}/`);
    await page.fill('#username', 'demo');
    await page.fill('#password', 'demo-password');
    await page.click('#login-local');
    await page.waitForURL(`${demo.url}/profile`);
  }

  it('signs in with the local demo account', async () => {
    await localLogin();
    expect(await page.textContent('#profile-provider')).to.equal('local');
  });

  it('signs out', async () => {
    await localLogin();
    await page.click('#logout');
    await page.waitForURL(`${demo.url}/`);
    await page.goto(`${demo.url}/profile`);
    expect(page.url()).to.equal(`${demo.url}/`);
  });

  it('shows a gateway fault as an error page, and the app keeps serving', async () => {
    demo.demo.simulator?.injectFault('http502');
    await toConsentPage(demo.url);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/auth/alipay/callback')), page.click('#agree')]);
    expect(response.status()).to.equal(502);
    expect(await page.textContent('#failure-code')).to.equal('ALIPAY_HTTP_STATUS');
    await shot('gateway-fault');
    await toConsentPage(demo.url);
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
  });
});
