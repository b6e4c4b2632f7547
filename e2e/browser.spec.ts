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
    demo = await startDemo({ loginRateLimit: 0 });
    openIdDemo = await startDemo({ simulatorIdMode: 'open_id', loginRateLimit: 0 });
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

  it('signs in when opened at http://localhost (what people type), not only at 127.0.0.1', async () => {
    const { port } = new URL(demo.url);
    await page.goto(`http://localhost:${port}/`);
    await page.click('#login-alipay');
    await page.waitForSelector('#agree');
    await page.click('#agree');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-flow')).to.include('Alipay web redirect');
  });

  it('signs in with Alipay Macao when opened at http://localhost', async () => {
    const { port } = new URL(demo.url);
    await page.goto(`http://localhost:${port}/`);
    await page.click('#login-macao');
    await page.waitForSelector('#agree');
    await page.click('#agree');
    await page.waitForSelector('#macao-continue');
    await page.click('#macao-continue');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-provider')).to.equal('alipay-macao');
  });

  it('shows a failure page when the user cancels on the consent page', async () => {
    await toConsentPage(demo.url);
    await page.click('#cancel');
    await page.waitForSelector('#failure-message');
    expect(await page.textContent('#failure-title')).to.equal('Sign-in cancelled');
    expect(await page.textContent('#failure-message')).to.match(/You cancelled on Alipay's authorization page, so nothing was shared/);
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

  it('signs in with Alipay Macao through the grant page, on the user\'s click', async () => {
    await page.goto(`${demo.url}/`);
    await page.click('#login-macao');
    await page.waitForSelector('#agree');
    await shot('macao-grant');
    await page.click('label:has-text("李四") input');
    await page.click('#agree');
    await page.waitForSelector('#macao-continue');
    await page.click('#macao-continue');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-provider')).to.equal('alipay-macao');
    expect(await page.textContent('#profile-id')).to.equal('2182123456120002');
    await shot('profile-macao');
  });

  it('signs in from the simulated mini program with the phone number', async () => {
    await page.goto(`${demo.url}/`);
    await page.click('#login-mini');
    await page.waitForSelector('#mini-login');
    await page.click('label:has-text("李四") input');
    await page.check('#share-phone');
    await shot('mini-program');
    await page.click('#mini-login');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-provider')).to.equal('alipay');
    expect(await page.textContent('#profile-id')).to.equal('2088102000000002');
    expect(await page.textContent('#profile-phoneNumber')).to.equal('13800000002');
  });

  it('signs in from the mini program without the phone number when not shared', async () => {
    await page.goto(`${demo.url}/mini-program`);
    await page.click('#mini-login');
    await page.waitForURL(`${demo.url}/profile`);
    expect(await page.textContent('#profile-id')).to.equal('2088102000000001');
    expect(await page.textContent('#profile-phoneNumber')).to.match(/^not shared/);
  });

  describe('login CSRF: a code from an attacker never signs the victim in', () => {
    /**
     * The attacker runs the grant in their own browser for their own account and stops before
     * Continue, keeping the fresh authCode from the return address.
     */
    async function attackerMacaoCode(): Promise<string> {
      const attacker = await (await browser.newContext()).newPage();
      try {
        await attacker.goto(`${demo.url}/auth/alipay-macao/start`);
        await attacker.waitForSelector('#agree');
        await attacker.click('label:has-text("Ana Lopes") input');
        await attacker.click('#agree');
        await attacker.waitForSelector('#macao-continue');
        const code = new URL(attacker.url()).searchParams.get('authCode');
        expect(code).to.be.a('string');
        return code as string;
      } finally {
        await attacker.context().close();
      }
    }

    async function expectSignedOut() {
      await page.goto(`${demo.url}/profile`);
      expect(page.url()).to.equal(`${demo.url}/`);
    }

    it('refuses a Macao return link the victim did not start (no nonce in the session)', async () => {
      await page.goto(`${demo.url}/`);
      const response = await page.goto(`${demo.url}/auth/alipay-macao/return?authCode=${await attackerMacaoCode()}&nonce=guessed`);
      expect(response?.status()).to.equal(403);
      expect(await page.textContent('#failure-message')).to.match(/not started in this browser/);
      await expectSignedOut();
    });

    it('does not sign in from a return link even when the victim has a grant pending, until the victim clicks', async () => {
      await page.goto(`${demo.url}/`);
      await page.click('#login-macao');
      await page.waitForSelector('#agree');
      // The attacker's link cannot know this browser's nonce.
      const response = await page.goto(`${demo.url}/auth/alipay-macao/return?authCode=${await attackerMacaoCode()}`);
      expect(response?.status()).to.equal(403);
      await expectSignedOut();
    });

    for (const [kind, contentType, body] of [
      ['a cross-site form (urlencoded)', 'application/x-www-form-urlencoded', (code: string) => `authCode=${code}`],
      ['a text/plain "simple request"', 'text/plain', (code: string) => JSON.stringify({ authCode: code })],
    ] as const) {
      it(`refuses a Macao code posted from another site as ${kind}`, async () => {
        // A page on another origin (the simulator's host stands in for the attacker's site) posts
        // to the demo the way a hostile page can without CORS: no JSON content type is possible.
        await page.goto(`${demo.demo.simulator!.url}/`);
        const status = await page.evaluate(
          async ([url, type, payload]) => {
            const res = await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': type }, body: payload });
            return res.type;
          },
          [`${demo.url}/auth/alipay-macao`, contentType, body(await attackerMacaoCode())] as const,
        );
        expect(status).to.equal('opaque');
        await expectSignedOut();
      });
    }
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
