/**
 * The README's quick starts, executed as written: each file in examples/quickstart runs in a
 * process of its own, configured only through its environment variables (credentials from the
 * simulator), and is used the way its clients use it, at http://localhost.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import { join } from 'path';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { freePort } from '../../e2e/demo-server';

const ROOT = join(__dirname, '..', '..');

interface RunningQuickstart {
  url: string;
  stop(): void;
}

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Starts examples/<file> with `env`; resolves once it answers HTTP on http://localhost:<port>. */
async function startExample(file: string, env: Record<string, string>): Promise<RunningQuickstart> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join('examples', file)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), SESSION_SECRET: 'quickstart-test', SESSION_KEY: 'ab'.repeat(32) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('exit', (code) => (exited = code));
  for (let i = 0; i < 400 && exited === undefined && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (exited !== undefined || !(await answers(url))) {
    child.kill();
    throw new Error(`${file} did not start (exit ${exited}):\n${output}`);
  }
  return { url, stop: () => child.kill() };
}

/** A cookie jar of one: enough for one browser session against one quick start. */
class Browser {
  private cookie = '';
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: this.cookie } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }
  postJson(url: string, body: unknown): Promise<Response> {
    return this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
}

describe('system: the quick starts, executed as written on http://localhost', function () {
  this.timeout(60_000);
  let sim: AlipaySimulator;
  const running: RunningQuickstart[] = [];
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(async () => {
    for (const q of running) q.stop();
    await sim.close();
  });
  async function start(name: string, env: Record<string, string>): Promise<string> {
    const q = await startExample(name.includes('/') ? `${name}.ts` : `quickstart/${name}.ts`, env);
    running.push(q);
    return q.url;
  }

  describe('web-login.ts (AlipayStrategy, Express sessions)', () => {
    let url: string;
    before(async () => {
      const app = sim.createApp();
      url = await start('web-login', {
        ALIPAY_APP_ID: app.appId, ALIPAY_PRIVATE_KEY: app.privateKey, ALIPAY_PUBLIC_KEY: app.alipayPublicKey,
        ALIPAY_AUTHORIZATION_URL: app.authorizationURL, ALIPAY_GATEWAY_URL: app.gatewayURL,
      });
    });

    it('signs the user in through the consent page, with a session cookie that works over http', async () => {
      const browser = new Browser();
      const start = await browser.fetch(`${url}/auth/alipay`);
      expect(start.status).to.equal(302);
      expect(start.headers.get('location')).to.include(encodeURIComponent(`${url}/auth/alipay/callback`));
      const back = await browser.fetch(sim.approve(start.headers.get('location') as string, '2088102000000001'));
      expect(back.headers.get('location')).to.equal('/');
      expect(await (await browser.fetch(`${url}/`)).json()).to.deep.equal({ user: { id: '2088102000000001', name: '张三' } });
    });

    it('sends a cancelled login to the failure address', async () => {
      const browser = new Browser();
      const start = await browser.fetch(`${url}/auth/alipay`);
      const back = await browser.fetch(sim.approve(start.headers.get('location') as string, '2088102000000001', 'cancel'));
      expect(back.headers.get('location')).to.equal('/?login=failed');
    });
  });

  describe('mini-program.ts (AlipayInAppStrategy, JSON answers)', () => {
    let url: string;
    let appId: string;
    before(async () => {
      const app = sim.createApp();
      appId = app.appId;
      url = await start('mini-program', {
        ALIPAY_APP_ID: app.appId, ALIPAY_PRIVATE_KEY: app.privateKey, ALIPAY_PUBLIC_KEY: app.alipayPublicKey,
        ALIPAY_AES_KEY: app.aesKey, ALIPAY_GATEWAY_URL: app.gatewayURL,
      });
    });

    it('signs the user in with the posted code and the verified phone number', async () => {
      const res = await new Browser().postJson(`${url}/auth/alipay/in-app`, {
        authCode: sim.mintAuthCode(appId, '2088102000000002'),
        phoneNumber: sim.phoneNumberPayload(appId, '2088102000000002'),
      });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ user: { id: '2088102000000002', phoneNumber: '13800000002' } });
    });

    it('answers a request without a code with JSON saying how to send it', async () => {
      const res = await new Browser().postJson(`${url}/auth/alipay/in-app`, {});
      expect(res.status).to.equal(400);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).to.equal('LOGIN_FAILED');
      expect(body.message).to.match(/authCode/);
    });

    it('answers a reused code with the gateway refusal as JSON', async () => {
      const code = sim.mintAuthCode(appId, '2088102000000001');
      await new Browser().postJson(`${url}/auth/alipay/in-app`, { authCode: code });
      const res = await new Browser().postJson(`${url}/auth/alipay/in-app`, { authCode: code });
      const body = (await res.json()) as { error: string; message: string };
      expect(res.status).to.be.at.least(400);
      expect(body.error).to.equal('40002'); // AlipayAPIError's code is Alipay's
      expect(body.message).to.match(/isv\.code-invalid/);
    });
  });

  describe('macao.ts (AlipayMacaoStrategy, JSON login into a session)', () => {
    let url: string;
    let clientId: string;
    before(async () => {
      const client = sim.createMacaoClient();
      clientId = client.clientId;
      url = await start('macao', {
        ALIPAY_MACAO_CLIENT_ID: client.clientId, ALIPAY_MACAO_MERCHANT_ID: client.authMerchantId,
        ALIPAY_MACAO_PRIVATE_KEY: client.privateKey, ALIPAY_MACAO_PUBLIC_KEY: client.alipayPublicKey,
        ALIPAY_MACAO_GATEWAY_URL: client.gatewayURL,
      });
    });

    it('signs the user in with the posted authCode and keeps them in the session', async () => {
      const browser = new Browser();
      const res = await browser.postJson(`${url}/auth/alipay-macao`, { authCode: sim.mintMacaoAuthCode(clientId, '2088102000000001') });
      expect(res.status).to.equal(200);
      const me = (await (await browser.fetch(`${url}/me`)).json()) as { user: { id: string } };
      expect(me.user.id).to.match(/^218/);
    });

    it('refuses a form-posted code with JSON naming the JSON body', async () => {
      const res = await new Browser().fetch(`${url}/auth/alipay-macao`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `authCode=${sim.mintMacaoAuthCode(clientId, '2088102000000001')}`,
      });
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.match(/JSON/);
    });
  });

  /** The framework pages' apps: a mainland redirect login, a Macao JSON login, a refused form post. */
  for (const framework of ['koa', 'fastify', 'nest']) {
    describe(`frameworks/${framework}.ts`, () => {
      let url: string;
      let clientId: string;
      before(async () => {
        const app = sim.createApp();
        const client = sim.createMacaoClient();
        clientId = client.clientId;
        url = await start(`frameworks/${framework}`, {
          ALIPAY_APP_ID: app.appId, ALIPAY_PRIVATE_KEY: app.privateKey, ALIPAY_PUBLIC_KEY: app.alipayPublicKey,
          ALIPAY_MACAO_CLIENT_ID: client.clientId, ALIPAY_MACAO_MERCHANT_ID: client.authMerchantId,
          ALIPAY_MACAO_PRIVATE_KEY: client.privateKey, ALIPAY_MACAO_PUBLIC_KEY: client.alipayPublicKey,
        });
      });

      it('redirects to Alipay with its own callback on http://localhost', async () => {
        const start = await new Browser().fetch(`${url}/auth/alipay`);
        expect(start.status).to.equal(302);
        expect(start.headers.get('location')).to.include(`redirect_uri=${encodeURIComponent(`${url}/auth/alipay/callback`)}`);
      });

      it('refuses a Macao code posted as a form, without a gateway call', async () => {
        const calls = sim.calls.length;
        const res = await new Browser().fetch(`${url}/auth/alipay-macao`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `authCode=${sim.mintMacaoAuthCode(clientId, '2088102000000001')}`,
        });
        expect(res.status).to.be.oneOf([400, 415]); // Fastify itself refuses the content type
        expect(sim.calls.length).to.equal(calls);
      });

      if (framework === 'nest') {
        it("answers a refused JSON login with { error, message } and the strategy's status (the guard's handleRequest)", async () => {
          const res = await new Browser().postJson(`${url}/auth/alipay-macao`, { code: 'misnamed' });
          expect(res.status).to.equal(400);
          const body = (await res.json()) as { error: string; message: string };
          expect(body.error).to.equal('LOGIN_FAILED');
          expect(body.message).to.match(/authCode/);
        });
      }
    });
  }
});
