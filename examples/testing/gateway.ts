// What every recipe's tests share: the app listening on 127.0.0.1, nock playing the Alipay gateway
// with answers that passport-alipay/testing signs, and a login started in the app.
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import nock from 'nock';
import { generateTestKeys, signedGatewayResponse } from 'passport-alipay/testing';
import { createApp } from './app';

const keys = generateTestKeys(); // { appPrivateKey, appPublicKey, alipayPrivateKey, alipayPublicKey, aesKey }

/** Starts the app and lets nock answer every host but the app itself. */
export async function startApp(): Promise<{ server: Server; base: string }> {
  // Another test file in the same worker (Jest, Vitest) may have restored nock: switch it back on.
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the app itself (and the simulator, if a test uses it)
  const server = createApp({ privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Stops the app and gives the network back: later test files in this worker start clean. */
export async function stopApp(server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}

/** The gateway answering one token call for `test-auth-code` with a signed user_id, as Alipay does. */
export function gatewayGrantsToken(): nock.Scope {
  return nock('https://openapi.alipay.com')
    .post('/gateway.do', (body) => body.grant_type === 'authorization_code' && body.code === 'test-auth-code')
    .query((q) => q.method === 'alipay.system.oauth.token' && q.app_id === '2021000000000001')
    .reply(200, signedGatewayResponse('alipay.system.oauth.token', {
      user_id: '2088102000000001',
      access_token: 'authusrB1', expires_in: 1296000,
      refresh_token: 'authusrB2', re_expires_in: 2592000,
      // auth_start: now, stamped by signedGatewayResponse (the strategy refuses stale answers)
    }, keys.alipayPrivateKey), { 'content-type': 'text/html;charset=utf-8' });
}

/** The gateway answering with a token signed by a key that is not Alipay's. */
export function gatewayAnswersUnsigned(): nock.Scope {
  return nock('https://openapi.alipay.com')
    .post('/gateway.do').query(true)
    .reply(200, signedGatewayResponse('alipay.system.oauth.token', { user_id: '2088102000000666', access_token: 'x' }, generateTestKeys().alipayPrivateKey));
}

/** Starts a login and comes back from Alipay with `test-auth-code`; returns the callback's answer. */
export async function loginThroughCallback(base: string): Promise<Response> {
  const start = await fetch(`${base}/auth/alipay`, { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  return fetch(`${base}/auth/alipay/callback?auth_code=test-auth-code&state=${state}`, { redirect: 'manual', headers: { cookie } });
}
