/** RedisStateStore's browser binding, with an in-memory stand-in for Redis. */
import { expect } from 'chai';
import { AlipayStateBindingError, RedisStateStore } from '../../lib';
import type { StateMeta } from '../../lib/core/state-store';

/** Just enough of a node-redis client: SET with PX and GETDEL on a Map. */
function memoryRedis() {
  const data = new Map<string, string>();
  return {
    data,
    async set(key: string, value: string) {
      data.set(key, value);
      return 'OK';
    },
    async getDel(key: string) {
      const value = data.get(key) ?? null;
      data.delete(key);
      return value;
    },
  };
}

const META: StateMeta = { strategyName: 'alipay', authorizationURL: 'https://openauth.alipay.com/x', tokenURL: 'https://openapi.alipay.com/gateway.do', clientID: '2021', callbackURL: 'https://app.example.com/auth/alipay/callback' };

/** A response that records the headers set on it. */
function response() {
  const headers: Record<string, unknown> = {};
  return { headers, setHeader: (n: string, v: unknown) => void (headers[n.toLowerCase()] = v), getHeader: (n: string) => headers[n.toLowerCase()] };
}

function store(s: RedisStateStore, req: object): Promise<string> {
  return new Promise((resolve, reject) => s.store(req, undefined, META, (err, state) => (err ? reject(err) : resolve(state as string))));
}
function verify(s: RedisStateStore, req: object, state: string): Promise<boolean> {
  return new Promise((resolve, reject) => s.verify(req, state, META, (err, ok) => (err ? reject(err) : resolve(ok === true))));
}

describe('RedisStateStore binds states to the browser', () => {
  it('refuses to start a login it cannot bind (no session, no response), naming the fix', async () => {
    const err = await store(new RedisStateStore({ client: memoryRedis() }), { headers: {} }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayStateBindingError).and.include({ code: 'ALIPAY_STATE_BINDING_UNAVAILABLE', status: 500 });
    expect((err as Error).message).to.match(/session middleware/);
  });

  it('sets a Secure cookie when the callback is https, keeping cookies already set', async () => {
    const res = response();
    res.setHeader('set-cookie', 'sid=1; Path=/');
    await store(new RedisStateStore({ client: memoryRedis() }), { headers: {}, res });
    const cookies = res.headers['set-cookie'] as string[];
    expect(cookies[0]).to.equal('sid=1; Path=/');
    expect(cookies[1]).to.match(/^passport_alipay_binding=[\w-]{24}; Path=\/auth\/alipay\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('accepts the callback from the browser holding the cookie', async () => {
    const s = new RedisStateStore({ client: memoryRedis() });
    const res = response();
    const state = await store(s, { headers: {}, res });
    const cookie = (res.headers['set-cookie'] as string[])[0].split(';')[0];
    expect(await verify(s, { headers: { cookie: `other=1; ${cookie}` } }, state)).to.equal(true);
  });

  it('refuses a browser without the cookie, and a browser with another one, consuming nothing', async () => {
    const redis = memoryRedis();
    const s = new RedisStateStore({ client: redis });
    const res = response();
    const state = await store(s, { headers: {}, res });
    expect(await verify(s, { headers: {} }, state)).to.equal(false);
    expect(await verify(s, { headers: { cookie: `passport_alipay_binding=${'A'.repeat(24)}` } }, state)).to.equal(false);
    expect(redis.data.size).to.equal(1);
  });

  it('reuses the binding of a browser that already has one (two tabs)', async () => {
    const s = new RedisStateStore({ client: memoryRedis() });
    const cookie = `passport_alipay_binding=${'b'.repeat(24)}`;
    const res = response();
    const first = await store(s, { headers: { cookie }, res });
    const second = await store(s, { headers: { cookie }, res });
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(await verify(s, { headers: { cookie } }, first)).to.equal(true);
    expect(await verify(s, { headers: { cookie } }, second)).to.equal(true);
  });

  it('binds to the session when there is one, and refuses another session', async () => {
    const s = new RedisStateStore({ client: memoryRedis() });
    const mine = { headers: {}, session: {} };
    const state = await store(s, mine);
    expect(await verify(s, { headers: {}, session: {} }, state)).to.equal(false);
    expect(await verify(s, mine, state)).to.equal(true);
  });

  it('gives back the scope the login asked for', async () => {
    const s = new RedisStateStore({ client: memoryRedis() });
    const mine = { headers: {}, session: {} };
    const state = await new Promise<string>((resolve, reject) =>
      s.store(mine, undefined, { ...META, scope: 'auth_user' }, (err, st) => (err ? reject(err) : resolve(st as string))),
    );
    const recorded = await new Promise<unknown>((resolve) => s.verify(mine, state, META, (_err, _ok, _app, rec) => resolve(rec)));
    expect(recorded).to.deep.equal({ scope: 'auth_user' });
  });

  it('gives back the merchant app a service-provider login started for', async () => {
    const s = new RedisStateStore({ client: memoryRedis() });
    const mine = { headers: {}, session: {} };
    const state = await new Promise<string>((resolve, reject) =>
      s.store(mine, undefined, { ...META, merchantAppId: '2021004100000002' }, (err, st) => (err ? reject(err) : resolve(st as string))),
    );
    const recorded = await new Promise<unknown>((resolve) => s.verify(mine, state, META, (_err, _ok, _app, rec) => resolve(rec)));
    expect(recorded).to.deep.include({ merchantAppId: '2021004100000002' });
  });

  it('answers a timed-out check with 503, and the same callback afterwards with 403 (the README says: start again)', async () => {
    // Redis consumes the state, but its first answer comes only after the store's time limit.
    const data = new Map<string, string>();
    let delay = 200;
    const slow = {
      set: async (key: string, value: string) => void data.set(key, value),
      getDel: (key: string) =>
        new Promise<string | null>((resolve) => {
          const value = data.get(key) ?? null;
          data.delete(key);
          setTimeout(() => resolve(value), delay);
          delay = 0;
        }),
    };
    const s = new RedisStateStore({ client: slow, timeout: 50 });
    const mine = { headers: {}, session: {} };
    const state = await store(s, mine);
    const first = await new Promise<Error | null>((resolve) => s.verify(mine, state, META, (err) => resolve(err)));
    expect(first).to.include({ code: 'ALIPAY_STATE_STORE_UNAVAILABLE', status: 503 });
    await new Promise((r) => setTimeout(r, 250));
    expect(await verify(s, mine, state)).to.equal(false);
  });
});
