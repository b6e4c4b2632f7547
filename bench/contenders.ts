/**
 * The benchmark's contenders, built the same way in the main process and in the fresh processes
 * that measure the warm-up window: the floor (sign + one keep-alive http.request + verify), the two
 * passport-alipay strategies driven through passport-oauth2's machinery, and alipay-sdk.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { benchMessageId, TOKEN_NODE } from './fixtures';

// The built package, as users get it (npm run bench builds it first). The benchmark itself runs
// compiled, not under ts-node, which loads the `domain` module and slows every EventEmitter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('passport-alipay') as typeof import('../lib');

export interface BenchKeys {
  appPrivateKey: string;
  alipayPublicKey: string;
}

export interface Contender {
  id: ContenderId;
  name: string;
  login: () => Promise<void>;
}

export type ContenderId = 'floor' | 'mainland' | 'macao' | 'sdk';
export const CONTENDER_IDS: ContenderId[] = ['floor', 'mainland', 'macao', 'sdk'];

export const FLOOR_SIGN_CONTENT = Buffer.from(
  'app_id=2021000000000001&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&grant_type=authorization_code' +
    '&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2024-05-13 17:49:20&version=1.0',
);
/** User + system CPU microseconds since `since`. */
export function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

/** One keep-alive POST with Node's own http.request; resolves with the body text. */
export function rawPost(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A callback request as Express would hand it to passport, with the CSRF state in the session. */
function callbackRequest(query: Record<string, string>, sessionKey?: string) {
  return {
    method: query.authCode ? 'POST' : 'GET',
    url: '/auth/callback',
    headers: query.authCode ? { host: 'localhost', 'content-type': 'application/json' } : { host: 'localhost' },
    connection: {},
    query,
    body: query.authCode ? { authCode: query.authCode } : {},
    session: sessionKey ? { [sessionKey]: { state: query.state } } : {},
  };
}

/** Runs `strategy.authenticate(req)` the way passport does: on a per-request object with actions. */
function authenticateOnce(strategy: object, req: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = Object.create(strategy);
    s.success = () => resolve();
    s.fail = (challenge: unknown) => reject(new Error(`fail: ${JSON.stringify(challenge)}`));
    s.error = reject;
    s.redirect = () => reject(new Error('redirect'));
    s.authenticate(req, {});
  });
}

const verifyUser = (_at: string, _rt: string, profile: { id: string }, done: (err: null, user: object) => void) => done(null, { id: profile.id });

/** A mainland login through AlipayStrategy against `gatewayURL`. */
export function mainlandLogin(keys: BenchKeys, gatewayURL: string): () => Promise<void> {
  const strategy = new pkg.AlipayStrategy(
    // The canned answer started at today's midnight (fixtures.ts): a window of two days accepts it.
    { appId: '2021000000000001', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, callbackURL: 'http://localhost/cb', gatewayURL, answerWindow: 2 * 86400 },
    verifyUser,
  );
  return () => authenticateOnce(strategy, callbackRequest({ auth_code: '4b203fe6c11548bcabd8da5bb087a83b', state: 'bench-state' }, 'oauth2:openauth.alipay.com'));
}

export function createContender(id: ContenderId, keys: BenchKeys, base: string): Contender {
  switch (id) {
    case 'floor': {
      const appKey = crypto.createPrivateKey(keys.appPrivateKey);
      const alipayKey = crypto.createPublicKey(keys.alipayPublicKey);
      const node = Buffer.from(TOKEN_NODE);
      const url = `${base}/gateway.do?app_id=2021000000000001`;
      const body = 'grant_type=authorization_code&code=4b203fe6c11548bcabd8da5bb087a83b';
      return {
        id,
        name: 'floor: RSA2 sign + one keep-alive POST with http.request + verify',
        login: async () => {
          crypto.sign('sha256', FLOOR_SIGN_CONTENT, appKey);
          const text = await rawPost(url, body);
          const sign = text.slice(text.lastIndexOf('"sign":"') + 8, -2);
          if (!crypto.verify('sha256', node, alipayKey, Buffer.from(sign, 'base64'))) throw new Error('floor: signature does not verify');
        },
      };
    }
    case 'mainland':
      return { id, name: 'passport-alipay, mainland (AlipayStrategy)', login: mainlandLogin(keys, `${base}/gateway.do`) };
    case 'macao': {
      let nextId = 0;
      let inMacaoLogin = false;
      // The Macao client takes reqMsgIds from crypto.randomUUID; during a Macao login the benchmark
      // substitutes the sequence the gateway precomputed answers for (other code keeps real UUIDs).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cryptoModule = require('crypto') as { randomUUID: () => string };
      const realRandomUUID = cryptoModule.randomUUID;
      cryptoModule.randomUUID = () => (inMacaoLogin ? benchMessageId(nextId++) : realRandomUUID());
      const strategy = new pkg.AlipayMacaoStrategy(
        { clientId: 'BENCHCLIENT', authMerchantId: '2182400000001037', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, gatewayURL: base },
        verifyUser,
      );
      return {
        id,
        name: 'passport-alipay, Macao applyToken (AlipayMacaoStrategy)',
        login: () => {
          // The request, reqMsgId included, is built synchronously inside authenticate().
          inMacaoLogin = true;
          const done = authenticateOnce(strategy, callbackRequest({ authCode: '0000000001a2b3c4d5e6f7a8b9c0d1e2f' }));
          inMacaoLogin = false;
          return done;
        },
      };
    }
    case 'sdk': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AlipaySdk } = require('alipay-sdk') as { AlipaySdk: new (config: Record<string, unknown>) => any };
      const sdk = new AlipaySdk({ appId: '2021000000000001', privateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, keyType: 'PKCS8', gateway: `${base}/gateway.do`, timeout: 5000 });
      return {
        id,
        name: 'alipay-sdk 4.14 exec(alipay.system.oauth.token, validateSign)',
        login: async () => {
          const result = await sdk.exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b' }, { validateSign: true });
          if (!result.userId) throw new Error(`alipay-sdk: unexpected result ${JSON.stringify(result)}`);
        },
      };
    }
  }
}
