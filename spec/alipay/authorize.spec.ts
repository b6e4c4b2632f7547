import { expect } from 'chai';
import { AlipayRequestError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { APP_ID, strategy } from '../helpers/alipay';

function redirectParams(url: string) {
  return new URL(url).searchParams;
}

describe('AlipayStrategy authorization redirect', () => {
  it('sends exactly app_id, scope, redirect_uri and state', async () => {
    const out = expectAction(await run(strategy({ state: true }), (req) => (req.session = {})), 'redirect');
    const params = redirectParams(out.url);
    expect([...params.keys()].sort()).to.deep.equal(['app_id', 'redirect_uri', 'scope', 'state']);
    expect(params.get('app_id')).to.equal(APP_ID);
    expect(params.get('scope')).to.equal('auth_base');
    expect(params.get('redirect_uri')).to.equal('https://www.example.com/auth/alipay/callback');
  });

  it('goes to the production authorization page by default', async () => {
    const out = expectAction(await run(strategy()), 'redirect');
    expect(out.url.split('?')[0]).to.equal('https://openauth.alipay.com/oauth2/publicAppAuthorize.htm');
  });

  it('goes to the sandbox authorization page with sandbox: true', async () => {
    const out = expectAction(await run(strategy({ sandbox: true })), 'redirect');
    expect(out.url.split('?')[0]).to.equal('https://openauth-sandbox.dl.alipaydev.com/oauth2/publicAppAuthorize.htm');
  });

  it('never sends client_id or response_type', async () => {
    const out = expectAction(await run(strategy()), 'redirect');
    expect(out.url).not.to.match(/client_id|response_type/);
  });

  it('keeps the state in the session by default', async () => {
    const session: Record<string, any> = {};
    const out = expectAction(await run(strategy({ state: undefined }), (req) => (req.session = session)), 'redirect');
    expect(session['oauth2:openauth.alipay.com'].pending.map((p: { state: string }) => p.state)).to.deep.equal([redirectParams(out.url).get('state')]);
  });

  it('errors when state is on and there is no session', async () => {
    const out = expectAction(await run(strategy({ state: undefined })), 'error');
    expect(out.err.message).to.match(/session/);
  });

  it('joins a scope array with commas', async () => {
    const out = expectAction(await run(strategy({ scope: ['auth_user', 'auth_base'] })), 'redirect');
    expect(redirectParams(out.url).get('scope')).to.equal('auth_user,auth_base');
  });

  it('takes scope and callbackURL from the authenticate options', async () => {
    const out = expectAction(
      await run(strategy(), undefined, { scope: 'auth_user', callbackURL: 'https://other.example.com/cb' }),
      'redirect',
    );
    expect(redirectParams(out.url).get('scope')).to.equal('auth_user');
    expect(redirectParams(out.url).get('redirect_uri')).to.equal('https://other.example.com/cb');
  });

  it('resolves a relative callbackURL against the request host', async () => {
    const out = expectAction(await run(strategy({ callbackURL: '/auth/alipay/callback' })), 'redirect');
    expect(redirectParams(out.url).get('redirect_uri')).to.equal('http://www.example.com/auth/alipay/callback');
  });

  for (const host of ['www.example.com:99999', 'www.example.com:0', '[::zz]:443']) {
    it(`answers a Host of ${host} with 400 (AlipayRequestError), never 500`, async () => {
      const { err } = expectAction(await run(strategy({ callbackURL: '/auth/alipay/callback' }), (req) => (req.headers.host = host)), 'error');
      expect(err).to.be.instanceOf(AlipayRequestError).and.include({ status: 400 });
    });
  }

  it('accepts a Host with port 65535', async () => {
    const out = expectAction(await run(strategy({ callbackURL: '/auth/alipay/callback' }), (req) => (req.headers.host = 'www.example.com:65535')), 'redirect');
    expect(redirectParams(out.url).get('redirect_uri')).to.equal('http://www.example.com:65535/auth/alipay/callback');
  });

  it('resolves a relative callbackURL with X-Forwarded headers when proxy is trusted', async () => {
    const out = expectAction(
      await run(strategy({ callbackURL: '/auth/alipay/callback', proxy: true }), (req) => {
        req.headers['x-forwarded-proto'] = 'https';
        req.headers['x-forwarded-host'] = 'shop.example.com';
      }),
      'redirect',
    );
    expect(redirectParams(out.url).get('redirect_uri')).to.equal('https://shop.example.com/auth/alipay/callback');
  });

  it('ignores X-Forwarded headers unless proxy is trusted', async () => {
    const out = expectAction(
      await run(strategy({ callbackURL: '/auth/alipay/callback' }), (req) => {
        req.headers['x-forwarded-proto'] = 'https';
        req.headers['x-forwarded-host'] = 'evil.example.com';
      }),
      'redirect',
    );
    expect(redirectParams(out.url).get('redirect_uri')).to.equal('http://www.example.com/auth/alipay/callback');
  });

  it('uses a custom state store and its state', async () => {
    const calls: unknown[] = [];
    const store = {
      store(_req: unknown, meta: { clientID: string }, cb: (e: null, s: string) => void) {
        calls.push(meta.clientID);
        cb(null, 'custom-state-1');
      },
      verify(_req: unknown, _state: string, cb: (e: null, ok: boolean) => void) {
        cb(null, true);
      },
    };
    const out = expectAction(await run(strategy({ store })), 'redirect');
    expect(redirectParams(out.url).get('state')).to.equal('custom-state-1');
    expect(calls).to.deep.equal([APP_ID]);
  });

  it('refuses a state Alipay cannot echo (over 100 characters)', async () => {
    const store = {
      store(_req: unknown, cb: (e: null, s: string) => void) {
        cb(null, 'x'.repeat(101));
      },
      verify() {},
    };
    const out = expectAction(await run(strategy({ store })), 'error');
    expect(out.err.message).to.match(/at most 100/);
  });
});
