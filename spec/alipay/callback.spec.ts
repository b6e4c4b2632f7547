import { expect } from 'chai';
import * as http from 'http';
import nock from 'nock';
import passport from 'passport';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, nockToken, node, strategy } from '../helpers/alipay';

function noGatewayCall() {
  return nock('https://openapi.alipay.com').post('/gateway.do').query(true).reply(500);
}

describe('AlipayStrategy callback', () => {
  it('signs the user in with the auth_code from the query', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const out = expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE, app_id: 'x', source: 'alipay_wallet' })), 'success');
    expect(out.user).to.deep.equal({ id: '2088102000000001' });
  });

  it('accepts a matching state from the session', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const session = { 'oauth2:openauth.alipay.com': { state: 'abc123' } };
    const out = await run(strategy({ state: true }), (req) => {
      callback({ auth_code: AUTH_CODE, state: 'abc123' })(req);
      req.session = session;
    });
    expectAction(out, 'success');
    expect(session).not.to.have.property('oauth2:openauth.alipay.com');
  });

  it('fails with 403 on a wrong state, without calling the gateway', async () => {
    const guard = noGatewayCall();
    const out = await run(strategy({ state: true }), (req) => {
      callback({ auth_code: AUTH_CODE, state: 'forged' })(req);
      req.session = { 'oauth2:openauth.alipay.com': { state: 'abc123' } };
    });
    expect(expectAction(out, 'fail')).to.deep.include({ status: 403 });
    expect(guard.isDone()).to.equal(false);
  });

  it('keeps the pending state when a forged callback carries a wrong one', async () => {
    const session = { 'oauth2:openauth.alipay.com': { state: 'abc123' } };
    await run(strategy({ state: true }), (req) => {
      callback({ auth_code: AUTH_CODE, state: 'forged' })(req);
      req.session = session;
    });
    expect(session['oauth2:openauth.alipay.com']).to.deep.equal({ state: 'abc123' });
  });

  it('stores a fresh 144-bit base64url state in the session for each login started', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const session: Record<string, any> = {};
      const out = expectAction(await run(strategy({ state: true }), (req) => (req.session = session)), 'redirect');
      const state = new URL(out.url).searchParams.get('state') as string;
      expect(state).to.match(/^[A-Za-z0-9_-]{24}$/);
      expect(session['oauth2:openauth.alipay.com'].pending.map((p: { state: string }) => p.state)).to.deep.equal([state]);
      seen.add(state);
    }
    expect(seen.size).to.equal(300);
  });

  it('fails with 403 when the session holds no state (replayed callback)', async () => {
    const out = await run(strategy({ state: true }), (req) => {
      callback({ auth_code: AUTH_CODE, state: 'abc123' })(req);
      req.session = {};
    });
    expect(expectAction(out, 'fail').status).to.equal(403);
  });

  it('passes the state to a custom store with its metadata', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const seen: unknown[] = [];
    const store = {
      store() {},
      verify(_req: unknown, state: string, meta: { callbackURL: string }, cb: (e: null, ok: boolean, info: unknown) => void) {
        seen.push(state, meta.callbackURL);
        cb(null, true, { returnTo: '/home' });
      },
    };
    const out = expectAction(await run(strategy({ store }), callback({ auth_code: AUTH_CODE, state: 's1' })), 'success');
    expect(seen).to.deep.equal(['s1', 'https://www.example.com/auth/alipay/callback']);
    expect(out.info.state).to.deep.equal({ returnTo: '/home' });
  });

  it('fails (never redirects) on a callback with state but no auth_code', async () => {
    const out = expectAction(await run(strategy({ state: true }), callback({ state: 'abc', app_id: 'x' })), 'fail');
    expect(out.status).to.equal(401);
  });

  it('fails (never redirects) on a callback carrying error parameters', async () => {
    expectAction(await run(strategy(), callback({ error: 'access_denied', error_description: 'user cancelled' })), 'fail');
  });

  for (const [label, code] of [
    ['an array', [AUTH_CODE, AUTH_CODE]],
    ['an object', { a: '1' }],
    ['over 128 characters', 'a'.repeat(129)],
    ['non-printable', 'abc\u0000def'],
    ['non-ASCII', 'код'],
    ['empty', ''],
  ] as const) {
    it(`fails with 400 and no gateway call when auth_code is ${label}`, async () => {
      const guard = noGatewayCall();
      const out = await run(strategy(), (req) => (req.query = { auth_code: code }));
      expect(expectAction(out, 'fail').status).to.equal(400);
      expect(guard.isDone()).to.equal(false);
    });
  }
});

/** Serves the callback route with the strategy behind passport, on a real loopback server. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function passportFor() {
  const p = new passport.Passport();
  p.use(strategy({ callbackURL: '/cb' }));
  return p;
}

async function expressApp(express: any) {
  const p = passportFor();
  const app = express();
  app.get('/cb', p.authenticate('alipay', { session: false }), (req: any, res: any) => {
    res.json({ user: req.user, query: req.query });
  });
  return serve(app);
}

describe('AlipayStrategy with real servers', () => {
  for (const [name, load] of [
    ['Express 4', () => require('express4')],
    ['Express 5', () => require('express')],
  ] as const) {
    it(`recognises auth_code with ${name} and leaves req.query as it was`, async () => {
      nockToken(TOKEN_NODE, node('token-user-id'));
      const server = await expressApp(load());
      try {
        const res = await fetch(`${server.url}/cb?auth_code=${AUTH_CODE}&source=alipay_wallet`);
        expect(res.status).to.equal(200);
        const json = (await res.json()) as { user: unknown; query: Record<string, unknown> };
        expect(json.user).to.deep.equal({ id: '2088102000000001' });
        expect(json.query).to.deep.equal({ auth_code: AUTH_CODE, source: 'alipay_wallet' });
      } finally {
        await server.close();
      }
    });
  }

  it('recognises auth_code on a plain Node http request', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const p = passportFor();
    const server = await serve((req, res) => {
      (p.authenticate('alipay', { session: false }) as any)(req, res, (err: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ err: err ? String(err) : null, user: (req as any).user }));
      });
    });
    try {
      const res = await fetch(`${server.url}/cb?auth_code=${AUTH_CODE}`);
      expect(await res.json()).to.deep.equal({ err: null, user: { id: '2088102000000001' } });
    } finally {
      await server.close();
    }
  });

  it('answers 400 to a repeated auth_code on a plain Node http request', async () => {
    const p = passportFor();
    const server = await serve((req, res) => {
      (p.authenticate('alipay', { session: false }) as any)(req, res, () => res.end('next'));
    });
    try {
      const res = await fetch(`${server.url}/cb?auth_code=a&auth_code=b`);
      expect(res.status).to.equal(400);
    } finally {
      await server.close();
    }
  });
});
