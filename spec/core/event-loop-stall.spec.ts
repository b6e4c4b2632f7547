/**
 * A reply that has arrived must win over its timer. Node runs timers before I/O callbacks, so after
 * one event-loop turn longer than the time limit (a loaded machine), the limit fired although the
 * answer was already waiting in the socket. Reproduced deterministically: the reply is made to
 * arrive, then the loop is blocked past the limit.
 */
import { expect } from 'chai';
import { access } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { HttpEndpoint } from '../../lib/core/http';
import { RedisStateStore } from '../../lib';
import type { StateMeta } from '../../lib/core/state-store';

const LIMIT_MS = 50;

/** Blocks the event loop for `ms`, as a long synchronous task on a busy server would. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('a reply that arrived during a long event-loop turn wins over its time limit', () => {
  it('HttpEndpoint resolves with the answer instead of ALIPAY_TIMEOUT', async () => {
    const server = http.createServer();
    const answered = new Promise<void>((resolve) => {
      server.once('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.on('finish', () => resolve());
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = new HttpEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`, {
        timeout: LIMIT_MS,
        agent: new http.Agent({ keepAlive: false }),
      });
      const reply = endpoint.post('', 'a=1', 'application/x-www-form-urlencoded');
      await answered; // the server has written the whole answer
      stall(LIMIT_MS * 4); // the limit expires while the answer waits in the socket
      expect(await reply).to.deep.equal({ status: 200, text: '{"ok":true}' });
    } finally {
      server.close();
    }
  });

  it('RedisStateStore takes the answer instead of a 503', async () => {
    // The client's answer comes from one I/O callback (a file-system call), like a socket's.
    let started!: () => void;
    const ioStarted = new Promise<void>((resolve) => (started = resolve));
    const client = {
      set: async () => 'OK',
      getDel: () =>
        new Promise<string | null>((resolve) => {
          access(__filename, () => resolve(null));
          started();
        }),
    };
    const store = new RedisStateStore({ client, timeout: LIMIT_MS });
    const meta: StateMeta = { authorizationURL: 'a', tokenURL: 't', clientID: 'c', callbackURL: 'https://x/cb' };
    const outcome = new Promise<{ err: Error | null; ok: unknown }>((resolve) =>
      store.verify({ headers: {}, session: { 'passport-alipay:binding': 'b'.repeat(24) } }, 'A'.repeat(24), meta, (err, ok) => resolve({ err, ok })),
    );
    await ioStarted;
    stall(LIMIT_MS * 4); // the read completes and the limit expires during this turn
    const { err, ok } = await outcome;
    expect(err).to.equal(null);
    expect(ok).to.equal(false); // Redis answered "no such state": a 403, not a 503
  });
});
