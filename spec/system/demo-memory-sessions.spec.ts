/** The demo's in-memory session store forgets expired sessions (express-session's MemoryStore never does). */
import { expect } from 'chai';
import type { SessionData } from 'express-session';
import { SweepingMemoryStore } from '../../examples/express/memory-sessions';

const session = (expiresAt: number) => ({ cookie: { expires: new Date(expiresAt), originalMaxAge: 1000 } }) as unknown as SessionData;

describe('system: the demo\'s sweeping memory session store', () => {
  let clock: number;
  let store: SweepingMemoryStore;
  beforeEach(() => {
    clock = 1_700_000_000_000;
    store = new SweepingMemoryStore(() => clock);
  });
  afterEach(() => store.close());

  const get = (sid: string) => new Promise<SessionData | null | undefined>((resolve) => store.get(sid, (_e, s) => resolve(s)));

  it('gives back a live session', async () => {
    store.set('a', session(clock + 60_000));
    expect(await get('a')).to.have.property('cookie');
  });

  it('forgets a session once its cookie has expired, on read', async () => {
    store.set('a', session(clock + 60_000));
    clock += 61_000;
    expect(await get('a')).to.equal(null);
    expect(store.size).to.equal(0);
  });

  it('sweeps 1,000 expired sessions that nobody reads again', () => {
    for (let i = 0; i < 1000; i++) store.set(`s${i}`, session(clock + 10_000));
    store.set('live', session(clock + 3_600_000));
    clock += 11_000;
    store.sweep();
    expect(store.size).to.equal(1);
  });

  it('extends a session on touch', async () => {
    store.set('a', session(clock + 10_000));
    store.touch('a', session(clock + 100_000));
    clock += 50_000;
    expect(await get('a')).to.have.property('cookie');
  });
});
