/**
 * What every framework app in these system tests has in common: the three strategies configured
 * against the simulator, and a verify function that keeps only what a session may hold.
 */
import { AlipayInAppStrategy, AlipayMacaoStrategy, AlipayStrategy, type AlipayInAppProfile, type AlipayMacaoProfile, type AlipayProfile } from 'passport-alipay';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import type { SimulatedAppCredentials, SimulatedMacaoCredentials } from 'passport-alipay/testing';

export interface Credentials {
  mainland: SimulatedAppCredentials;
  macao: SimulatedMacaoCredentials;
}

export interface SignedInUser {
  provider: string;
  id: string;
  phoneNumber?: string;
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** The routes every app serves, so that one driver can sign in through all of them. */
export const ROUTES = {
  login: '/auth/alipay',
  callback: '/auth/alipay/callback',
  inApp: '/auth/alipay/in-app',
  macao: '/auth/alipay-macao',
  me: '/me',
} as const;

type Done = (err: Error | null, user?: SignedInUser) => void;

export function toUser(profile: AlipayProfile | AlipayInAppProfile | AlipayMacaoProfile): SignedInUser {
  const user: SignedInUser = { provider: profile.provider, id: profile.id };
  if ('phoneNumber' in profile && profile.phoneNumber) user.phoneNumber = profile.phoneNumber;
  return user;
}

/** Listens on 127.0.0.1:`port` with an app's `listen(port, host, cb)` (Express, Koa). */
export async function listenOnLoopback(app: { listen(port: number, host: string, cb: () => void): Server }, port: number): Promise<RunningApp> {
  const server = await new Promise<Server>((resolve) => {
    const srv = app.listen(port, '127.0.0.1', () => resolve(srv));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Registers the three strategies on a passport-like authenticator. */
export function useStrategies(passport: { use(strategy: AlipayStrategy | AlipayInAppStrategy | AlipayMacaoStrategy): unknown }, creds: Credentials, baseURL: string): void {
  const s = strategies(creds, baseURL);
  passport.use(s.alipay);
  passport.use(s.inApp);
  passport.use(s.macao);
}

/** What the session keeps: the user as JSON (callback style, for passport and koa-passport). */
export const serializeUser = (user: Express.User, done: (err: null, json: string) => void) => done(null, JSON.stringify(user));
export const deserializeUser = (json: string, done: (err: null, user: SignedInUser) => void) => done(null, JSON.parse(json) as SignedInUser);

/**
 * The simulator's credentials as each strategy's options: the redirect strategy without `aesKey`
 * and with `callbackURL` on `baseURL` (the app's own address), the in-app one without the
 * authorization page.
 */
export function strategyOptions(creds: Credentials, baseURL: string) {
  const { aesKey, ...gateway } = creds.mainland;
  const { authorizationURL: _redirectOnly, ...inAppGateway } = gateway;
  return { alipay: { ...gateway, callbackURL: `${baseURL}${ROUTES.callback}` }, inApp: { ...inAppGateway, aesKey }, macao: creds.macao };
}

/** The three strategies, each signing in a `toUser(profile)`. */
function strategies(creds: Credentials, baseURL: string) {
  const options = strategyOptions(creds, baseURL);
  return {
    alipay: new AlipayStrategy(options.alipay, (_a, _r, profile, done: Done) => done(null, toUser(profile))),
    inApp: new AlipayInAppStrategy(options.inApp, (_a, _r, profile, done: Done) => done(null, toUser(profile))),
    macao: new AlipayMacaoStrategy(options.macao, (_a, _r, profile, done: Done) => done(null, toUser(profile))),
  };
}
