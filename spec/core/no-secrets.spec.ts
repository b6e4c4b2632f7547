/**
 * Strategies, stores and errors end up in logs (`console.log(strategy)`, an error reporter that
 * serialises everything, `util.inspect(passport)`): none of them may show key material.
 */
import { expect } from 'chai';
import { inspect } from 'util';
import passport from 'passport';
import {
  AlipayAPIError,
  AlipayInAppStrategy,
  AlipayMacaoStrategy,
  AlipayPhoneNumberError,
  AlipaySignatureError,
  AlipayStrategy,
  RedisStateStore,
} from '../../lib';
import { fixture, keys } from '../helpers/fixtures';

const AES_KEY = fixture('keys', 'aes-key.b64').trim();
const REDIS_PASSWORD = 's3cret-redis-password';

/** Every form the secrets could take in a printout. */
const SECRETS = [
  AES_KEY,
  Buffer.from(AES_KEY, 'base64').toString('hex'),
  [...Buffer.from(AES_KEY, 'base64')].slice(0, 8).join(','), // JSON.stringify of a Buffer: {"data":[…]}
  [...Buffer.from(AES_KEY, 'base64')].slice(0, 8).map((b) => b.toString(16).padStart(2, '0')).join(' '), // <Buffer 0a 1b …>
  keys.appPrivatePkcs8.split('\n')[1].slice(0, 40),
  keys.alipayPrivate.split('\n')[1].slice(0, 40),
  'PRIVATE KEY',
  REDIS_PASSWORD,
];

function expectNoSecrets(what: string, value: unknown): void {
  const printed = [inspect(value, { depth: 8 }), inspect(value, { depth: 8, showHidden: false, getters: true }), safeStringify(value)];
  for (const text of printed) for (const secret of SECRETS) expect(text, `${what} shows ${secret.slice(0, 12)}…`).not.to.include(secret);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return ''; // circular: JSON.stringify cannot print it at all
  }
}

const verify = (_a: string, _r: string, profile: { id: string }, done: (e: null, u: object) => void) => done(null, { id: profile.id });
const mainlandOptions = { appId: '2021000000000001', privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic };

describe('no key material in inspect() or JSON.stringify()', () => {
  it('of AlipayStrategy', () => {
    expectNoSecrets('AlipayStrategy', new AlipayStrategy({ ...mainlandOptions, callbackURL: 'https://app.example.com/cb' }, verify));
  });

  it('of AlipayInAppStrategy with an aesKey', () => {
    expectNoSecrets('AlipayInAppStrategy', new AlipayInAppStrategy({ ...mainlandOptions, aesKey: AES_KEY }, verify));
  });

  it('of AlipayMacaoStrategy', () => {
    expectNoSecrets('AlipayMacaoStrategy', new AlipayMacaoStrategy({ clientId: 'C1', authMerchantId: 'M1', privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic }, verify));
  });

  it('of a passport instance using all three', () => {
    const pp = new passport.Passport();
    pp.use(new AlipayStrategy({ ...mainlandOptions, callbackURL: 'https://app.example.com/cb' }, verify));
    pp.use(new AlipayInAppStrategy({ ...mainlandOptions, aesKey: AES_KEY }, verify));
    pp.use(new AlipayMacaoStrategy({ clientId: 'C1', authMerchantId: 'M1', privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic }, verify));
    expectNoSecrets('passport', pp);
  });

  it('of RedisStateStore, whose client options carry the Redis password', () => {
    const client = { options: { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379` }, set: async () => 'OK', getDel: async () => null };
    expectNoSecrets('RedisStateStore', new RedisStateStore({ client }));
  });

  it('of the errors', () => {
    expectNoSecrets('errors', [
      new AlipayAPIError('alipay.system.oauth.token', { code: '40002', sub_code: 'isv.code-invalid' }, true),
      new AlipaySignatureError('x'),
      new AlipayPhoneNumberError('x', 'ALIPAY_PHONE_MALFORMED'),
    ]);
  });
});
