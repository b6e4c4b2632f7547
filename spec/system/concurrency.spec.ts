/**
 * 500 logins interleaved across 50 concurrent clients against the demo and the simulator, each
 * with its own session: every client ends signed in as its own user, nothing crosses between
 * sessions, no request fails, and no used callback URL can be replayed.
 */
import { expect } from 'chai';
import { startDemo, type RunningDemo } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';

const CLIENTS = 50;
const LOGINS_PER_CLIENT = 10;

describe('system: concurrent logins', function () {
  this.timeout(120_000);
  let running: RunningDemo;

  before(async () => {
    running = await startDemo({ loginRateLimit: 0 });
    for (let i = 0; i < CLIENTS; i++) {
      running.demo.simulator?.addUser({ userId: `20881020001${String(i).padStart(5, '0')}`, nickName: `user ${i}`, macaoUserId: `21821234${i}` });
    }
  });
  after(() => running.stop());

  it(`signs ${CLIENTS * LOGINS_PER_CLIENT} logins in from ${CLIENTS} clients, each as its own user, and refuses every replay`, async () => {
    const clients = Array.from({ length: CLIENTS }, () => new BrowserlessClient());
    const used: Array<{ client: BrowserlessClient; url: string }> = [];
    const mismatches: string[] = [];
    await Promise.all(
      clients.map(async (client, i) => {
        const userId = `20881020001${String(i).padStart(5, '0')}`;
        for (let n = 0; n < LOGINS_PER_CLIENT; n++) {
          const callbackURL = await client.consent(running.url, userId);
          const done = await client.complete(callbackURL, running.url);
          if (done.status !== 302 || done.id !== userId) mismatches.push(`client ${i} login ${n}: ${JSON.stringify(done)}`);
          used.push({ client, url: callbackURL });
        }
      }),
    );
    expect(mismatches).to.deep.equal([]);
    expect(clients.flatMap((c) => c.failures)).to.deep.equal([]);
    expect(used).to.have.length(CLIENTS * LOGINS_PER_CLIENT);

    const replays = await Promise.all(used.map(({ client, url }) => client.complete(url, running.url)));
    expect(replays.filter((r) => r.status !== 403)).to.deep.equal([]);
  });
});
