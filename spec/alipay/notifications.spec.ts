/**
 * alipayNotifications: Alipay's messages to the application gateway (PROTOCOL A10). The sign
 * content follows the official SDKs' notify checks: sorted `k=v` of the decoded parameters without
 * `sign`, with `sign_type` (Java AlipaySignature.rsaCheckV2) or without it (rsaCheckV1); alipay-sdk's
 * checkNotifySign tries both.
 */
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { AlipayConfigError, alipayNotifications, type AlipayNotificationsOptions, type UserAuthCancelledNotification } from '../../lib';
import { signedNotification } from '../../lib/testing';
import { certs, keys } from '../helpers/fixtures';

const APP_ID = '2021000000000001';
const USER = '2088102000000001';
const CANCELLED = 'alipay.open.auth.userauth.cancelled';

function cancelled(overrides: Partial<Parameters<typeof signedNotification>[0]> = {}) {
  return signedNotification({
    appId: APP_ID,
    msgMethod: CANCELLED,
    bizContent: { user_id: USER, app_id: APP_ID, cancel_time: '1732950000000' },
    alipayPrivateKey: keys.alipayPrivate,
    ...overrides,
  });
}

describe('alipayNotifications', () => {
  let server: http.Server;
  let url: string;
  let received: UserAuthCancelledNotification[];
  let handler: ReturnType<typeof alipayNotifications>;
  let failNext: number;

  function listen(options: Partial<AlipayNotificationsOptions> = {}) {
    received = [];
    failNext = 0;
    handler = alipayNotifications({
      appId: APP_ID,
      alipayPublicKey: keys.alipayPublic,
      on: {
        [CANCELLED]: async (event: UserAuthCancelledNotification) => {
          if (failNext > 0) {
            failNext--;
            throw new Error('database down');
          }
          received.push(event);
        },
      },
      onError: () => undefined,
      ...options,
    });
  }

  before(async () => {
    server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alipay/gateway`;
  });
  beforeEach(() => listen());
  after(() => new Promise((resolve) => server.close(resolve)));

  async function send(params: Record<string, string> | string, method = 'POST') {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: method === 'POST' ? (typeof params === 'string' ? params : new URLSearchParams(params).toString()) : undefined,
    });
    return { status: res.status, body: await res.text() };
  }

  it('verifies a message signed with sign_type in the content, hands it on, and answers success', async () => {
    expect(await send(cancelled())).to.deep.equal({ status: 200, body: 'success' });
    expect(received).to.have.length(1);
    expect(received[0]).to.include({ msgMethod: CANCELLED, appId: APP_ID, userId: USER });
    expect(received[0].cancelTime?.getTime()).to.equal(1732950000000);
  });

  it('verifies a message signed without sign_type in the content (the older variant)', async () => {
    expect(await send(cancelled({ signTypeSigned: false }))).to.deep.equal({ status: 200, body: 'success' });
    expect(received).to.have.length(1);
  });

  it('reads the open_id of an app that receives open ids', async () => {
    await send(cancelled({ bizContent: { open_id: 'oid-123', app_id: APP_ID, cancel_time: 1732950000000 } }));
    expect(received[0]).to.include({ openId: 'oid-123' });
    expect(received[0]).to.not.have.property('userId');
  });

  it('refuses a forged message (signed by another key) with 403, before the handler', async () => {
    expect((await send(cancelled({ alipayPrivateKey: keys.otherPrivate }))).status).to.equal(403);
    expect(received).to.have.length(0);
  });

  it('refuses a message whose content was changed after signing', async () => {
    const params = cancelled();
    params.biz_content = params.biz_content.replace(USER, '2088102000000002');
    expect((await send(params)).status).to.equal(403);
    expect(received).to.have.length(0);
  });

  it('refuses an unsigned message with 400', async () => {
    const { sign: _sign, ...unsigned } = cancelled();
    expect((await send(unsigned)).status).to.equal(400);
    expect(received).to.have.length(0);
  });

  it('refuses a legacy RSA (SHA-1) message by name', async () => {
    const res = await send({ ...cancelled(), sign_type: 'RSA' });
    expect(res.status).to.equal(400);
    expect(res.body).to.include('RSA');
  });

  it("refuses a genuine message for another app with 403", async () => {
    expect((await send(cancelled({ appId: '2021009999999999' }))).status).to.equal(403);
    expect(received).to.have.length(0);
  });

  it("refuses a message whose biz_content names another app", async () => {
    expect((await send(cancelled({ bizContent: { user_id: USER, app_id: '2021009999999999' } }))).status).to.equal(403);
  });

  it('refuses a revocation that names no user with 400', async () => {
    expect((await send(signedNotification({ appId: APP_ID, msgMethod: CANCELLED, bizContent: {}, alipayPrivateKey: keys.alipayPrivate }))).status).to.equal(400);
    expect(received).to.have.length(0);
  });

  it('refuses a repeated parameter', async () => {
    const params = cancelled();
    expect((await send(`${new URLSearchParams(params)}&app_id=${APP_ID}`)).status).to.equal(400);
  });

  it('drops a duplicate delivery (same notify_id) but acknowledges it', async () => {
    const params = cancelled();
    expect((await send(params)).body).to.equal('success');
    expect((await send(params)).body).to.equal('success');
    expect(received).to.have.length(1);
  });

  it('answers 500 (never success) when the handler fails, and handles the redelivery', async () => {
    failNext = 1;
    const params = cancelled();
    expect(await send(params)).to.deep.equal({ status: 500, body: 'fail' });
    expect(received).to.have.length(0);
    expect(await send(params)).to.deep.equal({ status: 200, body: 'success' });
    expect(received).to.have.length(1);
  });

  it('tells onError which message failed', async () => {
    const errors: string[] = [];
    listen({ onError: (err, n) => errors.push(`${n.msgMethod}: ${(err as Error).message}`) });
    failNext = 1;
    await send(cancelled());
    expect(errors).to.deep.equal([`${CANCELLED}: database down`]);
  });

  it('acknowledges a message method it has no handler for, by default', async () => {
    const other = signedNotification({ appId: APP_ID, msgMethod: 'alipay.open.mini.version.audit.passed', bizContent: {}, alipayPrivateKey: keys.alipayPrivate });
    expect(await send(other)).to.deep.equal({ status: 200, body: 'success' });
  });

  it("answers 501 to an unhandled method with otherwise: 'refuse'", async () => {
    listen({ otherwise: 'refuse' });
    const other = signedNotification({ appId: APP_ID, msgMethod: 'alipay.open.mini.version.audit.passed', bizContent: {}, alipayPrivateKey: keys.alipayPrivate });
    expect((await send(other)).status).to.equal(501);
  });

  it('passes an unhandled method to a catch-all', async () => {
    const seen: string[] = [];
    listen({ otherwise: (n) => void seen.push(n.msgMethod) });
    await send(signedNotification({ appId: APP_ID, msgMethod: 'alipay.open.mini.version.audit.passed', bizContent: {}, alipayPrivateKey: keys.alipayPrivate }));
    expect(seen).to.deep.equal(['alipay.open.mini.version.audit.passed']);
  });

  it('refuses a body over the limit with 413', async () => {
    listen({ maxBodyBytes: 512 });
    expect((await send(cancelled({ bizContent: { user_id: USER, pad: 'x'.repeat(2000) } }))).status).to.equal(413);
  });

  it('answers 405 to anything but POST', async () => {
    expect((await send({}, 'GET')).status).to.equal(405);
  });

  it('takes a body a parser already made an object (Express urlencoded) or a string', async () => {
    const params = cancelled();
    const res = { writeHead: () => res, end: () => undefined, headersSent: false } as unknown as http.ServerResponse;
    await handler(Object.assign(Object.create(http.IncomingMessage.prototype), { method: 'POST', body: { ...params } }), res);
    await handler(Object.assign(Object.create(http.IncomingMessage.prototype), { method: 'POST', body: new URLSearchParams(cancelled()).toString() }), res);
    expect(received).to.have.length(2);
  });

  it('answers 400, without waiting, to an empty form a parser already consumed', async () => {
    const { Readable } = await import('stream');
    const consumed = Object.assign(Readable.from([]), { method: 'POST', body: {} });
    consumed.resume();
    await new Promise((resolve) => consumed.on('end', resolve));
    let status = 0;
    const res = { writeHead: (s: number) => ((status = s), res), end: () => undefined, headersSent: false } as unknown as http.ServerResponse;
    await handler(consumed as unknown as http.IncomingMessage, res);
    expect(status).to.equal(400);
  });

  it('accepts certificate mode (Alipay public-key certificate)', async () => {
    // The fixture certificate carries the test Alipay key pair's public key.
    listen({ alipayPublicKey: undefined, alipayPublicCert: certs.alipay });
    expect((await send(cancelled())).body).to.equal('success');
  });

  it('explains missing or unusable options at construction', () => {
    expect(() => alipayNotifications({ appId: APP_ID, alipayPublicKey: keys.alipayPublic, on: { [CANCELLED]: 'nope' as never } })).to.throw(AlipayConfigError, /on must map/);
    expect(() => alipayNotifications({ appId: '', alipayPublicKey: keys.alipayPublic, on: {} })).to.throw(AlipayConfigError, /appId is required/);
    expect(() => alipayNotifications({ appId: APP_ID, on: {} })).to.throw(AlipayConfigError, /alipayPublicKey/);
  });
});
