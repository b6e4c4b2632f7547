/**
 * The demo's deployment guards: a half-real configuration is refused unless asked for, the local
 * test account exists only on the simulator, the home page never claims "no real Alipay account"
 * when one is configured, login routes are rate-limited, pre-login sessions are short-lived, and
 * failed logins are logged with the strategy and error code but no secret.
 */
import { expect } from 'chai';
import { createDemo } from '../../examples/express/app';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { freePort, startDemo, type RunningDemo } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';

describe('system: demo configuration', () => {
  let sim: AlipaySimulator;
  const running: RunningDemo[] = [];
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(async () => {
    for (const demo of running) await demo.stop();
    await sim.close();
  });
  async function demo(config: Parameters<typeof startDemo>[0]) {
    const started = await startDemo(config);
    running.push(started);
    return started;
  }
  const text = async (url: string, init?: RequestInit) => (await fetch(url, init)).text();

  /** What createDemo throws for `config`, as text ('' when it starts). */
  async function startupError(config: Omit<Parameters<typeof createDemo>[0], 'port'>): Promise<string> {
    try {
      const demo = await createDemo({ port: await freePort(), ...config });
      running.push({ url: '', demo, logged: [], stop: () => demo.close() });
      return '';
    } catch (e) {
      return String(e);
    }
  }

  it('refuses real mainland credentials beside a simulated Macao, naming the fix', async () => {
    expect(await startupError({ mainland: sim.createApp() })).to.match(/Macao is not.*configure both.*ALLOW_PARTIAL_SIMULATOR=1/s);
  });

  it('refuses real Macao credentials beside a simulated mainland', async () => {
    expect(await startupError({ macao: sim.createMacaoClient() })).to.match(/Alipay \(mainland\) is not/);
  });

  it('on a half-simulated configuration allowed explicitly, offers no local account and makes no "no real account" claim', async () => {
    const { url } = await demo({ mainland: sim.createApp(), allowPartialSimulator: true });
    const home = await text(`${url}/`);
    expect(home).not.to.match(/no real Alipay account/);
    expect(home).not.to.include('id="login-local"');
    expect((await fetch(`${url}/login/local`, { method: 'POST' })).status).to.equal(404);
  });

  it('with both sides configured, offers no local account and no simulator pages', async () => {
    const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient() });
    const home = await text(`${url}/`);
    expect(home).not.to.match(/no real Alipay account|simulator/i);
    expect(home).not.to.include('id="login-local"');
    expect((await fetch(`${url}/mini-program`)).status).to.equal(404);
    expect((await fetch(`${url}/auth/alipay-macao/return?authCode=x`)).status).to.equal(404);
  });

  it('fully simulated, says so and offers the local test account', async () => {
    const { url } = await demo({});
    const home = await text(`${url}/`);
    expect(home).to.match(/no real Alipay account is involved/);
    expect(home).to.include('id="login-local"');
  });

  it('rate-limits the login routes (429 after the configured number per minute)', async () => {
    const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), loginRateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}/auth/alipay`, { redirect: 'manual' })).status);
    expect(statuses).to.deep.equal([302, 302, 302, 429]);
    // The home page starts logins too (it hands out the CSRF cookie): limited alike. Other routes are not.
    expect((await fetch(`${url}/`)).status).to.equal(429);
    expect((await fetch(`${url}/profile`, { redirect: 'manual' })).status).to.equal(302);
  });

  it('keeps a pre-login session 10 minutes and a signed-in one a week', async () => {
    const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), loginRateLimit: 0 });
    const maxAge = (res: Response) => {
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('demo.sid='));
      return Math.round((Date.parse(/Expires=([^;]+)/.exec(cookie ?? '')?.[1] ?? '') - Date.now()) / 60_000);
    };
    const client = new BrowserlessClient();
    const start = await client.request(`${url}/auth/alipay`);
    expect(maxAge(start)).to.be.within(9, 10);
    const callback = sim.approve(start.headers.get('location') as string, '2088102000000001');
    const done = await client.request(callback);
    expect(done.status).to.equal(302);
    expect(maxAge(done)).to.be.within(7 * 24 * 60 - 1, 7 * 24 * 60);
  });

  describe('behind a TLS-terminating proxy (https BASE_URL)', () => {
    const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('__Host-demo.sid='));
    const start = (url: string) => fetch(`${url}/auth/alipay`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });

    it('sets its Secure session cookie when TRUST_PROXY trusts the proxy', async () => {
      const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), baseURL: 'https://www.example.com', trustProxy: 'loopback' });
      expect(cookieOf(await start(url))).to.match(/; Path=\/;.*; Secure/);
    });

    it('names its cookies __Host- on https, so a sibling origin cannot set or overwrite them', async () => {
      const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), baseURL: 'https://www.example.com', trustProxy: 'loopback' });
      const res = await fetch(`${url}/`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).to.deep.equal(['__Host-demo.csrf']);
      expect(res.headers.get('strict-transport-security')).to.equal('max-age=31536000; includeSubDomains');
    });

    it('cannot set it without TRUST_PROXY (the reason the setting exists)', async () => {
      const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), baseURL: 'https://www.example.com' });
      expect(cookieOf(await start(url))).to.equal(undefined);
    });
  });

  describe('failed-login log', () => {
    const lines: string[] = [];
    let url: string;
    let macaoClientId: string;
    before(async () => {
      const macao = sim.createMacaoClient();
      macaoClientId = macao.clientId;
      ({ url } = await demo({ mainland: sim.createApp(), macao, loginRateLimit: 0, log: { warn: (l: string) => lines.push(l), info: () => undefined } }));
    });
    beforeEach(() => {
      lines.length = 0;
    });

    it('logs a refused state with the strategy and status, without the auth code', async () => {
      const res = await fetch(`${url}/auth/alipay/callback?auth_code=SECRETCODE123&state=forged`);
      expect(res.status).to.equal(403);
      expect(lines).to.deep.equal(['[login failed] strategy=alipay status=403']);
    });

    it('logs a gateway refusal with its error code, without the code or any token', async () => {
      // The Macao route has no state to fail first; the code is real but gets spent by the first post.
      const code = sim.mintMacaoAuthCode(macaoClientId, '2088102000000001');
      const post = async () => {
        const client = new BrowserlessClient();
        const page = await client.request(`${url}/auth/alipay-macao/start`);
        const csrf = /var csrf = "([A-Za-z0-9_.-]+)"/.exec(await page.text())?.[1] as string;
        return client.request(`${url}/auth/alipay-macao`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ authCode: code }) });
      };
      expect((await post()).status).to.equal(200);
      const replay = await post();
      expect(replay.status).to.be.within(400, 599);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^\[login failed\] strategy=alipay-macao status=\d{3} code=AUTH_CODE_INVALID$/);
      expect(lines.join()).not.to.include(code);
    });
  });

  describe('hardening', () => {
    it('refuses TRUST_PROXY=true (any client could pick its rate-limit address), naming the fix', async () => {
      expect(await startupError({ trustProxy: 'true' })).to.match(/TRUST_PROXY=true.*TRUST_PROXY=1/s);
    });

    it('ignores X-Forwarded-For without TRUST_PROXY: one client cannot dodge the limit with made-up addresses', async () => {
      const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), loginRateLimit: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/auth/alipay`, { redirect: 'manual', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
      expect(statuses).to.deep.equal([302, 302, 429]);
    });

    it('behind a trusted proxy (TRUST_PROXY=loopback), counts each forwarded client apart: one busy client locks out only itself', async () => {
      const { url } = await demo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), loginRateLimit: 2, trustProxy: 'loopback' });
      const from = (ip: string) => fetch(`${url}/auth/alipay`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
      const busy = [await from('198.51.100.7'), await from('198.51.100.7'), await from('198.51.100.7')];
      expect(busy).to.deep.equal([302, 302, 429]);
      expect(await from('198.51.100.8')).to.equal(302);
    });

    it('creates no session for visitors who start no login: 300 cookie-less visits, no session stored', async () => {
      const running = await demo({ loginRateLimit: 0 });
      for (let i = 0; i < 300; i++) {
        const res = await fetch(`${running.url}/`);
        expect(res.headers.getSetCookie().some((c) => c.startsWith('demo.sid='))).to.equal(false);
        await res.arrayBuffer();
      }
      expect(running.demo.sessionCount()).to.equal(0);
    });

    it('sends no-framing, nosniff and no-referrer headers everywhere, no-store on the profile, no HSTS on http', async () => {
      const { url } = await demo({ loginRateLimit: 0 });
      const home = await fetch(`${url}/`);
      expect(home.headers.get('x-frame-options')).to.equal('DENY');
      expect(home.headers.get('content-security-policy')).to.equal("frame-ancestors 'none'");
      expect(home.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(home.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(home.headers.get('strict-transport-security')).to.equal(null);
      const client = new BrowserlessClient();
      await client.login(url, '2088102000000001');
      expect((await client.request(`${url}/profile`)).headers.get('cache-control')).to.equal('no-store');
    });

    it("keeps a pending Macao grant when another site's link hits the return page with a wrong nonce", async () => {
      const { url } = await demo({ loginRateLimit: 0 });
      const client = new BrowserlessClient();
      const page = await (await client.request(`${url}/auth/alipay-macao/start`)).text();
      const grant = new URL(JSON.parse(/location\.href = ("[^"]+")/.exec(page)?.[1] ?? '""'));
      const returnURL = new URL(grant.searchParams.get('redirect_uri') as string);
      const forged = new URL(returnURL);
      forged.searchParams.set('nonce', 'forged');
      forged.searchParams.set('authCode', 'ATTACKERCODE');
      expect((await client.request(forged.toString())).status).to.equal(403);
      returnURL.searchParams.set('authCode', 'x');
      expect((await client.request(returnURL.toString())).status).to.equal(200);
    });
  });
});
