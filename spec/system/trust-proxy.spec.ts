/**
 * A relative callbackURL behind proxies, on real Express 4 and 5 servers: X-Forwarded-* count only
 * when Express's own `trust proxy` setting trusts the peer (here always 127.0.0.1), exactly as
 * `req.protocol` / `req.hostname` see them (and on Koa and Fastify as `app.proxy` / `trustProxy` decide); a malformed forwarded
 * host is the client's fault (400).
 */
import { expect } from 'chai';
import express5 from 'express';
import session from 'express-session';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { Passport } from 'passport';
import { AlipayStrategy } from 'passport-alipay';
import { generateTestKeys } from 'passport-alipay/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4: typeof express5 = require('express4');

const keys = generateTestKeys();

/** A strategy whose callbackURL is relative, so the request's host and protocol decide it. */
function relativeCallbackStrategy(options: { state?: false } = {}): AlipayStrategy {
  return new AlipayStrategy(
    { appId: '2021000000000001', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, callbackURL: '/auth/alipay/callback', ...options },
    (_a, _r, profile, done) => done(null, profile),
  );
}

async function startApp(express: typeof express5, trustProxy: unknown): Promise<{ url: string; server: Server; seen: { protocol?: string; hostname?: string } }> {
  const passport = new Passport();
  passport.use(relativeCallbackStrategy());
  const app = express();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const seen: { protocol?: string; hostname?: string } = {};
  app.use(session({ secret: 'trust-proxy', resave: false, saveUninitialized: false }));
  app.get('/auth/alipay', (req, _res, next) => {
    Object.assign(seen, { protocol: req.protocol, hostname: req.hostname });
    next();
  }, passport.authenticate('alipay'));
  app.use((err: { status?: number; message: string }, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
    res.status(err.status ?? 500).send(err.message);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

async function redirectURI(url: string, headers: Record<string, string>): Promise<{ status: number; redirectUri?: string; body: string }> {
  const res = await fetch(`${url}/auth/alipay`, { redirect: 'manual', headers });
  const location = res.headers.get('location');
  return { status: res.status, redirectUri: location ? (new URL(location).searchParams.get('redirect_uri') ?? undefined) : undefined, body: await res.text() };
}

const FORWARDED = { 'x-forwarded-host': 'www.example.com', 'x-forwarded-proto': 'https' };

for (const [name, express] of [['Express 4', express4], ['Express 5', express5]] as const) {
  describe(`system: relative callbackURL behind proxies (${name})`, () => {
    const servers: Server[] = [];
    async function app(trustProxy: unknown) {
      const started = await startApp(express, trustProxy);
      servers.push(started.server);
      return started;
    }
    after(() => servers.forEach((s) => s.close()));

    it('ignores X-Forwarded-* when trust proxy is off', async () => {
      const { url } = await app(undefined);
      expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal(`${url}/auth/alipay/callback`);
    });

    it("ignores X-Forwarded-* when trust proxy names another address than the peer ('10.9.9.9')", async () => {
      const { url, seen } = await app('10.9.9.9');
      const { redirectUri } = await redirectURI(url, FORWARDED);
      expect(redirectUri).to.equal(`${url}/auth/alipay/callback`);
      expect(seen.protocol).to.equal('http');
    });

    it("honours X-Forwarded-Host and -Proto when trust proxy trusts the peer ('loopback'), as req.protocol and req.hostname do", async () => {
      const { url, seen } = await app('loopback');
      expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal('https://www.example.com/auth/alipay/callback');
      expect(seen).to.deep.equal({ protocol: 'https', hostname: 'www.example.com' });
    });

    it('honours a trusted forwarded host with a port', async () => {
      const { url } = await app(true);
      expect((await redirectURI(url, { 'x-forwarded-host': 'www.example.com:8443', 'x-forwarded-proto': 'https' })).redirectUri).to.equal(
        'https://www.example.com:8443/auth/alipay/callback',
      );
    });

    for (const host of ['evil.com/path', 'a b', 'user@evil.com', '[::1', 'www.example.com:99999', 'www.example.com:0', '[::zz]']) {
      it(`answers a malformed trusted X-Forwarded-Host (${JSON.stringify(host)}) with 400, not 500`, async () => {
        const { url } = await app('loopback');
        const res = await redirectURI(url, { 'x-forwarded-host': host });
        expect(res.status).to.equal(400);
        expect(res.body).to.match(/no usable Host header/);
      });
    }

    it('answers a trusted X-Forwarded-Proto other than http or https with 400', async () => {
      const { url } = await app('loopback');
      expect((await redirectURI(url, { 'x-forwarded-proto': 'javascript' })).status).to.equal(400);
    });
  });
}

describe('system: relative callbackURL behind proxies (Koa)', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  async function koaApp(proxy: boolean): Promise<string> {
    const { default: Koa } = await import('koa');
    const { KoaPassport } = await import('koa-passport');
    const passport = new KoaPassport();
    passport.use(relativeCallbackStrategy({ state: false }));
    const app = new Koa();
    app.proxy = proxy;
    app.use(passport.initialize());
    app.use(passport.authenticate('alipay', { session: false }));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('ignores X-Forwarded-* unless app.proxy is set', async () => {
    const url = await koaApp(false);
    expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal(`${url}/auth/alipay/callback`);
  });

  it('honours X-Forwarded-Host and -Proto with app.proxy = true, as ctx.protocol and ctx.host do', async () => {
    const url = await koaApp(true);
    expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal('https://www.example.com/auth/alipay/callback');
  });
});

describe('system: relative callbackURL behind proxies (Fastify)', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });

  async function fastifyApp(trustProxy: boolean): Promise<string> {
    const { default: Fastify } = await import('fastify');
    const { Authenticator } = await import('@fastify/passport');
    const passport = new Authenticator();
    passport.use(relativeCallbackStrategy({ state: false }));
    const { default: secureSession } = await import('@fastify/secure-session');
    const app = Fastify({ trustProxy });
    await app.register(secureSession, { key: Buffer.alloc(32, 7) });
    await app.register(passport.initialize());
    app.get('/auth/alipay', { preValidation: passport.authenticate('alipay', { session: false }) }, async () => undefined);
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  it('ignores X-Forwarded-* unless trustProxy is set', async () => {
    const url = await fastifyApp(false);
    expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal(`${url}/auth/alipay/callback`);
  });

  it('honours X-Forwarded-Host and -Proto with trustProxy: true, as request.protocol and request.host do', async () => {
    const url = await fastifyApp(true);
    expect((await redirectURI(url, FORWARDED)).redirectUri).to.equal('https://www.example.com/auth/alipay/callback');
  });
});
