/** The default state store: a few pending logins per session, each single-use and expiring. */
import { expect } from 'chai';
import { MAX_PENDING, STATE_LIFETIME_MS, SessionStateStore } from '../../lib/core/session-state';

const KEY = 'oauth2:openauth.alipay.com';

describe('SessionStateStore', () => {
  let clock: number;
  let store: SessionStateStore;
  let req: { session: Record<string, any> };
  beforeEach(() => {
    clock = 1_700_000_000_000;
    store = new SessionStateStore(KEY, () => clock);
    req = { session: {} };
  });

  const META = { authorizationURL: 'https://openauth.alipay.com/x', tokenURL: 'https://openapi.alipay.com/gateway.do', clientID: '2021', callbackURL: 'https://app.example.com/cb' };
  const issue = (scope?: string) =>
    new Promise<string>((resolve, reject) => store.store(req, { scope }, (err, state) => (err ? reject(err) : resolve(state as string))));
  const check = (state: string | undefined) =>
    new Promise<{ ok: boolean; message?: string; scope?: string }>((resolve, reject) =>
      store.verify(req, state, META, (err, ok, info, recorded) =>
        err ? reject(err) : resolve({ ok: Boolean(ok), message: (info as { message?: string })?.message, ...(recorded?.scope ? { scope: recorded.scope } : {}) }),
      ),
    );

  it('accepts the state of the first tab after a second tab started its own login', async () => {
    const first = await issue();
    const second = await issue();
    expect(await check(first)).to.deep.include({ ok: true });
    expect(await check(second)).to.deep.include({ ok: true });
  });

  it('accepts each state once', async () => {
    const state = await issue();
    expect(await check(state)).to.deep.include({ ok: true });
    expect(await check(state)).to.deep.equal({ ok: false, message: 'Unable to verify authorization request state.' });
  });

  it(`keeps at most ${MAX_PENDING} pending logins, dropping the oldest`, async () => {
    const states: string[] = [];
    for (let i = 0; i < MAX_PENDING + 2; i++) states.push(await issue());
    expect(req.session[KEY].pending).to.have.length(MAX_PENDING);
    expect(await check(states[0])).to.deep.include({ ok: false });
    expect(await check(states[1])).to.deep.include({ ok: false });
    expect(await check(states[2])).to.deep.include({ ok: true });
  });

  it('refuses a state older than its lifetime', async () => {
    const state = await issue();
    clock += STATE_LIFETIME_MS + 1;
    expect(await check(state)).to.deep.include({ ok: false });
  });

  it('accepts a state just within its lifetime', async () => {
    const state = await issue();
    clock += STATE_LIFETIME_MS - 1000;
    expect(await check(state)).to.deep.include({ ok: true });
  });

  it('drops expired states when the next login starts', async () => {
    await issue();
    clock += STATE_LIFETIME_MS + 1;
    await issue();
    expect(req.session[KEY].pending).to.have.length(1);
  });

  it('consumes nothing on a wrong state (a forged callback cannot cancel a pending login)', async () => {
    const state = await issue();
    expect(await check('forged')).to.deep.equal({ ok: false, message: 'Invalid authorization request state.' });
    expect(await check(undefined)).to.deep.include({ ok: false });
    expect(await check(state)).to.deep.include({ ok: true });
  });

  it('gives back the scope each login asked for', async () => {
    const user = await issue('auth_user');
    const base = await issue('auth_base');
    expect(await check(base)).to.deep.include({ ok: true, scope: 'auth_base' });
    expect(await check(user)).to.deep.include({ ok: true, scope: 'auth_user' });
  });

  it('removes its session entry once no login is pending', async () => {
    await check(await issue());
    expect(req.session).not.to.have.property(KEY);
  });

  it("reads a session written by passport-oauth2's own store ({ state })", async () => {
    req.session[KEY] = { state: 'legacy-state' };
    expect(await check('legacy-state')).to.deep.include({ ok: true });
    expect(req.session).not.to.have.property(KEY);
  });

  it('errors without a session, naming the session middleware', async () => {
    const bare = {} as { session: Record<string, any> };
    await new Promise<void>((resolve) =>
      store.store(bare, {}, (err) => {
        expect(err?.message).to.match(/session support/);
        resolve();
      }),
    );
  });
});
