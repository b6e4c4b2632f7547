/**
 * The demo as a newcomer opens it: at http://localhost:PORT although it runs at 127.0.0.1 (two sites
 * to a browser, each with its own cookies), with a login started in two tabs, and cancelled.
 */
import { expect } from 'chai';
import * as http from 'http';
import { startDemo, type RunningDemo } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';

/** GETs `path` from the demo with the Host header a browser sends for `host`. */
function getWithHost(demo: RunningDemo, host: string, path: string, method = 'GET'): Promise<{ status: number; location?: string }> {
  const { port } = new URL(demo.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { host: `${host}:${port}` } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('system: the demo on a local machine', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo({ loginRateLimit: 0 });
  });
  after(() => demo.stop());

  it('sends a visitor of http://localhost to its own address before any login starts', async () => {
    const res = await getWithHost(demo, 'localhost', '/auth/alipay?x=1');
    expect(res).to.deep.equal({ status: 302, location: `${demo.url}/auth/alipay?x=1` });
  });

  it('sends a visitor of http://[::1] there too', async () => {
    expect((await getWithHost(demo, '[::1]', '/')).location).to.equal(`${demo.url}/`);
  });

  it('refuses a form post to the other loopback name with 421 instead of losing it', async () => {
    expect((await getWithHost(demo, 'localhost', '/logout', 'POST')).status).to.equal(421);
  });

  it('serves its own address without a detour', async () => {
    expect((await getWithHost(demo, '127.0.0.1', '/')).status).to.equal(200);
  });

  it('signs in from the first of two tabs that each started a login', async () => {
    const browser = new BrowserlessClient();
    const firstTab = await browser.consent(demo.url, '2088102000000001');
    await browser.consent(demo.url, '2088102000000002');
    expect(await browser.complete(firstTab, demo.url)).to.deep.equal({ status: 302, id: '2088102000000001' });
  });

  it('signs in from the second of two tabs that each started a login', async () => {
    const browser = new BrowserlessClient();
    await browser.consent(demo.url, '2088102000000001');
    const secondTab = await browser.consent(demo.url, '2088102000000002');
    expect(await browser.complete(secondTab, demo.url)).to.deep.equal({ status: 302, id: '2088102000000002' });
  });

  it('shows the same "Sign-in cancelled" page for a cancelled mainland and Macao login', async () => {
    const browser = new BrowserlessClient();
    const start = await browser.request(`${demo.url}/auth/alipay`);
    const authorize = new URL(start.headers.get('location') as string);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('user', '2088102000000001');
    form.set('decision', 'cancel');
    const decided = await fetch(`${authorize.origin}/oauth2/consent`, { method: 'POST', body: form, redirect: 'manual' });
    const mainland = await browser.request(decided.headers.get('location') as string);
    const mainlandPage = await mainland.text();

    const macaoStart = await (await browser.request(`${demo.url}/auth/alipay-macao/start`)).text();
    const grantURL = new URL(JSON.parse(/location\.href = ("[^"]+")/.exec(macaoStart)?.[1] ?? '""'));
    const returnURL = new URL(grantURL.searchParams.get('redirect_uri') as string);
    returnURL.searchParams.set('authError', 'USER_CANCEL');
    const macao = await browser.request(returnURL.toString());
    const macaoPage = await macao.text();

    for (const [res, page] of [[mainland, mainlandPage], [macao, macaoPage]] as const) {
      expect(res.status).to.equal(401);
      expect(page).to.include('<h1 id="failure-title">Sign-in cancelled</h1>');
      expect(page).to.match(/You cancelled on Alipay( MO)?&#39;s authorization page, so nothing was shared/);
    }
  });

  /** Posts an in-app code (and optionally a phone payload) as the mini-program page does; returns the profile page. */
  async function inAppLogin(withPhone: boolean): Promise<string> {
    const sim = demo.demo.simulator!;
    const appId = /appId = ("[^"]+")/.exec(await (await fetch(`${demo.url}/mini-program`)).text())?.[1];
    const browser = new BrowserlessClient();
    const page = await (await browser.request(`${demo.url}/mini-program`)).text();
    const csrf = JSON.parse(/csrf = ("[^"]+")/.exec(page)?.[1] ?? '""') as string;
    const app = JSON.parse(appId ?? '""') as string;
    const body = { authCode: sim.mintAuthCode(app, '2088102000000001'), phoneNumber: withPhone ? sim.phoneNumberPayload(app, '2088102000000001') : undefined };
    const res = await browser.request(`${demo.url}/auth/alipay/in-app`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
    expect(await res.json()).to.deep.equal({ location: '/profile' });
    return (await browser.request(`${demo.url}/profile`)).text();
  }

  it('tells a mini-program user that no phone number was shared', async () => {
    expect(await inAppLogin(false)).to.match(/id="profile-phoneNumber">not shared/);
  });

  it('shows the shared phone number of a mini-program user', async () => {
    expect(await inAppLogin(true)).to.match(/id="profile-phoneNumber">1[0-9]{10}</);
  });

  it('shows which flow signed the user in and what Alipay returned, without any token', async () => {
    const browser = new BrowserlessClient();
    await browser.login(demo.url, '2088102000000001');
    const page = await (await browser.request(`${demo.url}/profile`)).text();
    expect(page).to.include('Alipay web redirect (AlipayStrategy)');
    const params = /<pre id="returned-params">([^<]*)<\/pre>/.exec(page)?.[1] ?? '';
    expect(params).to.include('expires_in');
    expect(params).to.include('2088102000000001');
    expect(page).not.to.match(/access_token|refresh_token|auth_token/);
  });
});
