/**
 * alipayNotifications on two servers sharing a RedisStateStore as `dedupe` (a real redis-server,
 * with node-redis and ioredis): a message Alipay delivers to both is handled once, and a message
 * whose handling failed is handled by the redelivery, whichever server receives it.
 */
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { alipayNotifications, RedisStateStore, type RedisStateClient } from 'passport-alipay';
import { generateTestKeys, signedNotification } from 'passport-alipay/testing';
import { connectRedisClient, requireRedisServer, startRedis } from './redis-server';

const APP_ID = '2021000000000001';

for (const flavour of ['node-redis', 'ioredis'] as const) {
  describe(`system: alipayNotifications deduplicated in Redis (${flavour})`, function () {
    this.timeout(30_000);
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let client: RedisStateClient & { quit(): Promise<unknown> };
    const keys = generateTestKeys();
    const servers: http.Server[] = [];
    let urls: string[];
    let handled: string[];
    let failures: number;

    before(async function () {
      requireRedisServer(this);
      redis = await startRedis();
      client = await connectRedisClient(flavour, redis.url);
      urls = [];
      for (let i = 0; i < 2; i++) {
        const handler = alipayNotifications({
          appId: APP_ID,
          alipayPublicKey: keys.alipayPublicKey,
          dedupe: new RedisStateStore({ client }),
          on: {
            'alipay.open.auth.userauth.cancelled': (event) => {
              if (failures-- > 0) throw new Error('database down');
              handled.push(`${i}:${event.notifyId}`);
            },
          },
          onError: () => undefined,
        });
        const server = http.createServer((req, res) => void handler(req, res));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        servers.push(server);
        urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      }
    });
    beforeEach(() => {
      handled = [];
      failures = 0;
    });
    after(async () => {
      for (const s of servers) s.close();
      await client?.quit();
      await redis?.stop();
    });

    const message = () =>
      signedNotification({
        appId: APP_ID,
        msgMethod: 'alipay.open.auth.userauth.cancelled',
        bizContent: { user_id: '2088102000000001', app_id: APP_ID, cancel_time: String(Date.now()) },
        alipayPrivateKey: keys.alipayPrivateKey,
      });
    const deliver = async (url: string, params: Record<string, string>) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
      return `${res.status} ${await res.text()}`;
    };

    it('handles a message delivered to both servers once, and acknowledges both deliveries', async () => {
      const params = message();
      const answers = await Promise.all(urls.map((url) => deliver(url, params)));
      expect(answers).to.deep.equal(['200 success', '200 success']);
      expect(handled).to.have.length(1);
    });

    it('gives the claim back when handling failed, so the redelivery to the other server is handled', async () => {
      failures = 1;
      const params = message();
      expect(await deliver(urls[0], params)).to.equal('500 fail');
      expect(await deliver(urls[1], params)).to.equal('200 success');
      expect(handled).to.deep.equal([`1:${params.notify_id}`]);
    });
  });
}
