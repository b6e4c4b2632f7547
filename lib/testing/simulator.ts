/**
 * An offline Alipay: the mainland authorization page and OpenAPI gateway, and the Alipay Macao
 * envelope API with an in-app grant page, on 127.0.0.1. It checks request signatures like the real
 * services and signs its answers with its own key, so strategies run end to end without a network.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { loadPrivateKey, loadPublicKey, type KeyInput } from '../core/keys';
import { answerGateway } from './mainland-gateway';
import { answerMiniProgram, userPhoneNumberPayload } from './in-app';
import { answerMacao } from './macao-api';
import { deliver, type Fault, type FaultKind } from './faults';
import { escapeHtml } from './html';
import { formParams, readBody, send } from './http-util';
import {
  LOGIN_METHODS,
  appToAppDecision,
  appToAppPage,
  decideAppToApp,
  decideMainland,
  macaoGrantDecision,
  macaoGrantPage,
  mainlandConsentDecision,
  mainlandConsentPage,
} from './pages';
import { Registry, type IdMode, type SimulatedUser } from './registry';
import { deliverNotification, signedNotification, type NotificationDelivery } from './notifications';

export type { IdMode, SimulatedUser, Fault, FaultKind };

/** createAlipaySimulator's options; all optional. */
export interface SimulatorOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Alipay's signing key (default: a fresh RSA-2048 pair). */
  alipayPrivateKey?: KeyInput;
  /** Sent as alipay_cert_sn in mainland answers (certificate-mode clients check it). */
  alipayCertSn?: string;
  /** Test users (default: three sample users). */
  users?: SimulatedUser[];
  /** Auth code lifetime in ms (default 180 000: Alipay's 3 minutes). */
  authCodeTtlMs?: number;
  /** Access-token lifetime in seconds (`expires_in`). */
  accessTokenTtlSec?: number;
  /** Refresh-token lifetime in seconds (`re_expires_in`). */
  refreshTokenTtlSec?: number;
  /** Lifetime of a merchant's app_auth_token in seconds (default 31 536 000: Alipay's 365 days). */
  appAuthTokenTtlSec?: number;
  /** Waits between redeliveries of a message the app gateway did not answer `success` (default 1 s, 3 s, 10 s). */
  notifyRetryDelaysMs?: number[];
  /** The simulator's clock (ms since epoch), for expiry tests. */
  now?: () => number;
}

/** A mainland app to register with `createApp`. */
export interface AppRegistration {
  /** Its APPID (default: a fresh 16-digit one). */
  appId?: string;
  /** The name the consent page shows. */
  name?: string;
  /** The app's public key; when omitted, createApp generates a key pair. */
  publicKey?: KeyInput;
  /** Which user identifier tokens carry (default user_id). */
  idMode?: IdMode;
  /** Host names redirect_uri may use (default localhost and 127.0.0.1). */
  redirectHosts?: string[];
  /** A service provider's app (第三方应用): merchants can authorize it on the appToAppAuth page. */
  serviceProvider?: boolean;
  /** The Alipay account (2088…) of the merchant owning the app (default: a fresh one). */
  ownerUserId?: string;
  /** The application group (应用分组): apps registered with the same group share each user's union_id. */
  unionGroup?: string;
  /** The application gateway (应用网关) Alipay's messages (e.g. revocations) are POSTed to. */
  notifyURL?: string;
}

/** What a merchant's authorization of a service provider gives (see `authorizeProvider`). */
export interface ProviderAuthorization {
  /** The token the provider calls the merchant's app with. */
  appAuthToken: string;
  /** Refreshes the app_auth_token (once). */
  appRefreshToken: string;
  /** What the appToAppAuth page would send back: exchanges once for the two tokens. */
  appAuthCode: string;
}

/** A Macao client to register with `createMacaoClient`. */
export interface MacaoClientRegistration {
  /** Its clientId (default: a fresh one). */
  clientId?: string;
  /** The name the grant page shows. */
  name?: string;
  /** The merchant users authorize (default: a fresh one). */
  authMerchantId?: string;
  /** The client's public key; when omitted, a key pair is generated. */
  publicKey?: KeyInput;
  /** Host names the grant page may return the authCode to (default localhost and 127.0.0.1). */
  returnHosts?: string[];
}

/** Options ready to spread into `new AlipayStrategy({...})` (and, with aesKey, `new AlipayInAppStrategy({...})`). */
export interface SimulatedAppCredentials {
  /** The registered APPID. */
  appId: string;
  /** The app's private key (PEM; empty when you registered your own public key). */
  privateKey: string;
  /** The simulator's public key. */
  alipayPublicKey: string;
  /** The simulator's consent page. */
  authorizationURL: string;
  /** The simulator's gateway. */
  gatewayURL: string;
  /** The app's content-encryption key (base64), for AlipayInAppStrategy's `aesKey`. */
  aesKey: string;
}

/** Options ready to spread into `new AlipayMacaoStrategy({...})`. */
export interface SimulatedMacaoCredentials {
  /** The registered clientId. */
  clientId: string;
  /** The merchant users authorize. */
  authMerchantId: string;
  /** The client's private key (PEM; empty when you registered your own public key). */
  privateKey: string;
  /** The simulator's public key. */
  alipayPublicKey: string;
  /** The simulator's base address for the Macao API. */
  gatewayURL: string;
}

/** One API call the simulator received. */
export interface ApiCall {
  /** Which API: the mainland gateway or the Macao envelope API. */
  protocol: 'mainland' | 'macao';
  /** The gateway method or envelope function. */
  method: string;
  /** The fault applied to its answer, if any. */
  fault?: FaultKind;
}

/** A local Alipay (mainland consent page and gateway, in-app codes, Macao API) on 127.0.0.1. */
export interface AlipaySimulator {
  /** Base address, e.g. http://127.0.0.1:53122 */
  url: string;
  /** The consent page (an app's `authorizationURL`). */
  authorizationURL: string;
  /** The mainland gateway (an app's `gatewayURL`). */
  gatewayURL: string;
  /** Macao: the base address to give as gatewayURL. */
  macaoGatewayURL: string;
  /** Alipay's public key (PEM, SPKI), to configure as alipayPublicKey. */
  alipayPublicKey: string;
  /** Every API call received, in order. */
  calls: ApiCall[];
  /** The test users. */
  users: SimulatedUser[];
  /** Registers an app with its public key, or generates a key pair and returns ready-to-use credentials. */
  createApp(registration?: AppRegistration): SimulatedAppCredentials;
  /** Registers a Macao client and returns ready-to-use credentials. */
  createMacaoClient(registration?: MacaoClientRegistration): SimulatedMacaoCredentials;
  /** Adds a test user. */
  addUser(user: SimulatedUser): void;
  /**
   * Answers Alipay's consent page without a browser: given the authorization address your app
   * redirected to, returns the callback address Alipay would send the user to (with auth_code and
   * your state on `agree`, without auth_code on `cancel`). Throws what the page would show for an
   * unknown app, a foreign redirect_uri or an unknown user.
   */
  approve(authorizationRedirect: string, userId: string, decision?: 'agree' | 'cancel'): string;
  /**
   * An auth code as the consent page, or `my.getAuthCode` / `ap.getAuthCode` / the App SDK inside
   * Alipay, would issue it (scope auth_base or auth_user), without a browser.
   */
  mintAuthCode(appId: string, userId: string, scope?: string): string;
  /** What `my.getPhoneNumber` gives a mini program of `appId` for the user (`res.response`). */
  phoneNumberPayload(appId: string, userId: string): string;
  /** Base address of the mini-program endpoints (`POST …/getAuthCode`, `…/getPhoneNumber`) for browser pages. */
  miniProgramURL: string;
  /** The app-authorization page (a service provider's AlipayMerchantStrategy `authorizationURL`). */
  appAuthorizationURL: string;
  /**
   * A merchant authorizes a service provider's app for one of its apps, without a browser: the
   * tokens and an app_auth_code. `authMethods` defaults to the user-login APIs
   * (alipay.system.oauth.token, alipay.user.info.share).
   */
  authorizeProvider(providerAppId: string, merchantAppId: string, options?: { authMethods?: string[] }): ProviderAuthorization;
  /** The merchant revokes an authorization: its app_auth_token is refused from now on. */
  revokeProviderAuthorization(appAuthToken: string): void;
  /**
   * Answers the app-authorization page without a browser: given the address the provider's app
   * redirected to, the callback address (with app_auth_code on `agree`).
   */
  approveAppAuthorization(authorizationRedirect: string, merchantAppId: string, decision?: 'agree' | 'cancel'): string;
  /**
   * Moves an app through the open_id migration: `user_id` (answers carry user_id), `both`
   * (whitelist/gray: both ids; with `users`, only for those users, the rest still user_id only),
   * `open_id` (open_id only).
   */
  setIdMode(appId: string, mode: IdMode, options?: { users?: string[] }): void;
  /** Approves an open_id work order covering `userIds`, for alipay.open.app.openid.batchquery; returns its order id. */
  createOpenIdWorkOrder(appId: string, userIds: string[]): string;
  /**
   * The user revokes the app's authorization in their Alipay settings: the app's tokens for the
   * user stop working, alipay.user.deloauth.detail.query lists it, and, when the app has a
   * `notifyURL`, the signed `alipay.open.auth.userauth.cancelled` message is delivered there (and
   * redelivered until it answers `success`). Resolves with the delivery.
   */
  revokeAuthorization(appId: string, userId: string): Promise<NotificationDelivery | undefined>;
  /** Sets (or clears) an app's application gateway. */
  setNotifyURL(appId: string, notifyURL: string | undefined): void;
  /** A Macao authCode as `my.getAuthCode` in the Alipay MO app would give it, without a browser. */
  mintMacaoAuthCode(clientId: string, userId: string, scope?: string): string;
  /** The Macao grant page address for a client, returning the authCode to `redirectUri`. */
  macaoGrantURL(clientId: string, redirectUri: string, scopes?: string): string;
  /** Applies `fault` to the next `count` API answers (default 1). */
  injectFault(fault: Fault | FaultKind, count?: number): void;
  /** Stops the simulator's server. */
  close(): Promise<void>;
}

/** The three test users every simulator starts with (2088102000000001 张三, …002 李四, …003 Ana Lopes). */
export const DEFAULT_USERS: SimulatedUser[] = [
  {
    userId: '2088102000000001',
    nickName: '张三',
    gender: 'M',
    province: '浙江省',
    city: '杭州市',
    macaoUserId: '2182123456120001',
    mobileNo: '853-66120001',
    mobile: '13800000001',
  },
  {
    userId: '2088102000000002',
    nickName: '李四',
    gender: 'F',
    province: '广东省',
    city: '深圳市',
    macaoUserId: '2182123456120002',
    mobileNo: '853-66120002',
    mobile: '13800000002',
  },
  { userId: '2088102000000003', nickName: 'Ana Lopes', macaoUserId: '2182123456120003' },
];

const LOCAL_HOSTS = ['localhost', '127.0.0.1'];

/** A round avatar with the user's first character. */
function avatarSvg(name: string): string {
  const initial = escapeHtml(Array.from(name)[0] ?? '?');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="#1677ff"/><text x="32" y="42" font-size="28" text-anchor="middle" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
}

function newKeyPair(): { privateKey: string; publicKey: KeyObject } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: pair.publicKey };
}

function digits(n: number): string {
  let out = '';
  for (const b of randomBytes(n)) out += String(b % 10);
  return out;
}

/**
 * Starts a local Alipay on 127.0.0.1: the mainland consent page and gateway, the in-app code and
 * phone-number issuers and the Macao API. It checks request signatures like the real services,
 * signs its answers, makes codes single-use and short-lived, and can inject faults.
 */
export async function createAlipaySimulator(options: SimulatorOptions = {}): Promise<AlipaySimulator> {
  const now = options.now ?? Date.now;
  const alipayPrivateKey = options.alipayPrivateKey
    ? loadPrivateKey(options.alipayPrivateKey, 'alipayPrivateKey')
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const alipayPublicKey = createPublicKey(alipayPrivateKey).export({ type: 'spki', format: 'pem' }) as string;
  const registry = new Registry(
    {
      authCodeMs: options.authCodeTtlMs ?? 180_000,
      accessTokenSec: options.accessTokenTtlSec ?? 1_296_000,
      refreshTokenSec: options.refreshTokenTtlSec ?? 2_592_000,
      appAuthTokenSec: options.appAuthTokenTtlSec ?? 31_536_000,
    },
    now,
  );
  const calls: ApiCall[] = [];
  const knownApp = (appId: string) => {
    const app = registry.apps.get(appId);
    if (!app) throw new Error(`Alipay simulator: unknown app ${appId}`);
    return app;
  };
  const faults: Fault[] = [];
  const gatewayCtx = { registry, alipayPrivateKey, alipayCertSn: options.alipayCertSn, now };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /oauth2/publicAppAuthorize.htm') return mainlandConsentPage(query, { registry }, res);
    if (route === 'POST /oauth2/consent') return mainlandConsentDecision(formParams(await readBody(req)), { registry }, res);
    if (route === 'GET /oauth2/appToAppAuth.htm') return appToAppPage(query, { registry }, res);
    if (route === 'POST /oauth2/app-consent') return appToAppDecision(formParams(await readBody(req)), { registry }, res);
    const avatar = /^GET \/avatars\/(\d+)\.svg$/.exec(route);
    if (avatar) return send(res, 200, 'image/svg+xml', avatarSvg(registry.user(avatar[1])?.nickName ?? '?'));
    const mini = /^POST \/mini\/(getAuthCode|getPhoneNumber)$/.exec(route);
    if (mini) return answerMiniProgram(mini[1] as 'getAuthCode' | 'getPhoneNumber', req, res, { registry, alipayPrivateKey });
    if (route === 'GET /macao/getAuthCode') return macaoGrantPage(query, { registry }, res);
    if (route === 'POST /macao/consent') return macaoGrantDecision(formParams(await readBody(req)), { registry }, res);
    if (route === 'POST /gateway.do') {
      const params = { ...query, ...formParams(await readBody(req)) };
      const fault = faults.shift();
      calls.push({ protocol: 'mainland', method: params.method ?? '', fault: fault?.kind });
      return deliver(res, answerGateway(params, gatewayCtx), fault, 'text/html;charset=utf-8');
    }
    const api = /^POST \/api\/(.+)\.htm$/.exec(route);
    if (api) {
      const functionName = api[1].replace(/\//g, '.');
      const raw = await readBody(req);
      const fault = faults.shift();
      calls.push({ protocol: 'macao', method: functionName, fault: fault?.kind });
      const answer = answerMacao(functionName, raw, { registry, alipayPrivateKey, now }, fault?.kind === 'unknown-result' ? 'U' : undefined);
      return deliver(res, answer, fault, 'application/json;charset=UTF-8');
    }
    send(res, 404, 'text/plain', 'passport-alipay simulator: no such page\n');
  }

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, 'text/plain', 'bad request\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Default users get an avatar the simulator serves itself, so pages showing it work offline.
  registry.users.push(...(options.users ?? DEFAULT_USERS.map((u) => ({ avatar: `${base}/avatars/${u.userId}.svg`, ...u }))));

  return {
    url: base,
    authorizationURL: `${base}/oauth2/publicAppAuthorize.htm`,
    gatewayURL: `${base}/gateway.do`,
    macaoGatewayURL: base,
    alipayPublicKey,
    calls,
    users: registry.users,
    createApp(registration = {}) {
      const generated = registration.publicKey ? undefined : newKeyPair();
      const appId = registration.appId ?? `2021${digits(12)}`;
      const aesKey = randomBytes(16);
      registry.apps.set(appId, {
        aesKey,
        appId,
        name: registration.name ?? `Test app ${appId}`,
        publicKey: generated?.publicKey ?? loadPublicKey(registration.publicKey, 'publicKey'),
        idMode: registration.idMode ?? 'user_id',
        redirectHosts: registration.redirectHosts ?? LOCAL_HOSTS,
        serviceProvider: registration.serviceProvider === true,
        ownerUserId: registration.ownerUserId ?? `2088${digits(12)}`,
        unionGroup: registration.unionGroup,
        notifyURL: registration.notifyURL,
        workOrders: new Map(),
      });
      return {
        appId,
        privateKey: generated?.privateKey ?? '',
        alipayPublicKey,
        authorizationURL: `${base}/oauth2/publicAppAuthorize.htm`,
        gatewayURL: `${base}/gateway.do`,
        aesKey: aesKey.toString('base64'),
      };
    },
    createMacaoClient(registration = {}) {
      const generated = registration.publicKey ? undefined : newKeyPair();
      const clientId = registration.clientId ?? `SIM${randomBytes(6).toString('hex').toUpperCase()}`;
      const authMerchantId = registration.authMerchantId ?? `2182${digits(12)}`;
      registry.macaoClients.set(clientId, {
        clientId,
        name: registration.name ?? `Test merchant ${clientId}`,
        authMerchantId,
        publicKey: generated?.publicKey ?? loadPublicKey(registration.publicKey, 'publicKey'),
        returnHosts: registration.returnHosts ?? LOCAL_HOSTS,
      });
      return { clientId, authMerchantId, privateKey: generated?.privateKey ?? '', alipayPublicKey, gatewayURL: base };
    },
    addUser(user) {
      registry.users.push(user);
    },
    approve(authorizationRedirect, userId, decision = 'agree') {
      if (typeof authorizationRedirect !== 'string' || !/^https?:\/\//.test(authorizationRedirect)) {
        throw new TypeError(
          'Alipay simulator: approve() needs the authorization address your app redirected to (the Location header of /auth/alipay), ' +
            `got ${authorizationRedirect === null ? 'null' : typeof authorizationRedirect}.`,
        );
      }
      if (typeof userId !== 'string') throw new TypeError('Alipay simulator: approve() needs the test user id, e.g. "2088102000000001".');
      const query = Object.fromEntries(new URL(authorizationRedirect).searchParams);
      const decided = decideMainland({ ...query, user: userId, decision }, { registry });
      if ('error' in decided) throw new Error(`Alipay simulator: ${decided.error}`);
      return decided.location;
    },
    mintAuthCode(appId, userId, scope = 'auth_base') {
      return registry.mintCode(appId, userId, scope);
    },
    phoneNumberPayload(appId, userId) {
      return userPhoneNumberPayload(registry, appId, userId, alipayPrivateKey);
    },
    miniProgramURL: `${base}/mini`,
    appAuthorizationURL: `${base}/oauth2/appToAppAuth.htm`,
    authorizeProvider(providerAppId, merchantAppId, authOptions = {}) {
      const provider = registry.apps.get(providerAppId);
      if (!provider?.serviceProvider) throw new Error(`Alipay simulator: ${providerAppId} is not a service provider app (createApp({ serviceProvider: true }))`);
      return registry.authorizeProvider(providerAppId, merchantAppId, authOptions.authMethods ?? LOGIN_METHODS);
    },
    revokeProviderAuthorization(appAuthToken) {
      const auth = registry.appAuthTokens.get(appAuthToken);
      if (!auth) throw new Error('Alipay simulator: unknown app_auth_token');
      auth.valid = false;
    },
    approveAppAuthorization(authorizationRedirect, merchantAppId, decision = 'agree') {
      const query = Object.fromEntries(new URL(authorizationRedirect).searchParams);
      const decided = decideAppToApp({ ...query, merchant_app_id: merchantAppId, decision }, { registry });
      if ('error' in decided) throw new Error(`Alipay simulator: ${decided.error}`);
      return decided.location;
    },
    setIdMode(appId, mode, idOptions = {}) {
      const app = knownApp(appId);
      app.idMode = mode;
      app.grayUsers = idOptions.users ? new Set(idOptions.users) : undefined;
    },
    createOpenIdWorkOrder(appId, userIds) {
      const orderId = `WO${digits(14)}`;
      knownApp(appId).workOrders.set(orderId, new Set(userIds));
      return orderId;
    },
    async revokeAuthorization(appId, userId) {
      const app = knownApp(appId);
      registry.revoke(appId, userId);
      if (!app.notifyURL) return undefined;
      const mode = registry.idModeFor(app, userId);
      const bizContent: Record<string, unknown> = { app_id: appId, cancel_time: String(now()) };
      if (mode !== 'open_id') bizContent.user_id = userId;
      if (mode !== 'user_id') bizContent.open_id = registry.openIdOf(appId, userId);
      const params = signedNotification({ appId, msgMethod: 'alipay.open.auth.userauth.cancelled', bizContent, alipayPrivateKey, sentAt: new Date(now()) });
      return deliverNotification(app.notifyURL, params, options.notifyRetryDelaysMs ?? [1000, 3000, 10_000]);
    },
    setNotifyURL(appId, notifyURL) {
      knownApp(appId).notifyURL = notifyURL;
    },
    mintMacaoAuthCode(clientId, userId, scope = 'auth_base') {
      return registry.mintCode(clientId, userId, scope);
    },
    macaoGrantURL(clientId, redirectUri, scopes = 'auth_base') {
      const url = new URL(`${base}/macao/getAuthCode`);
      url.searchParams.set('clientId', clientId);
      url.searchParams.set('scopes', scopes);
      url.searchParams.set('redirect_uri', redirectUri);
      return url.toString();
    },
    injectFault(fault, count = 1) {
      const f = typeof fault === 'string' ? { kind: fault } : fault;
      for (let i = 0; i < count; i++) faults.push(f);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
