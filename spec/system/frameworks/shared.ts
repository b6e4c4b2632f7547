/**
 * What every framework app in these system tests has in common: the three strategies configured
 * against the simulator, and a verify function that keeps only what a session may hold.
 */
import { AlipayInAppStrategy, AlipayMacaoStrategy, AlipayStrategy, type AlipayInAppProfile, type AlipayMacaoProfile, type AlipayProfile } from '../../../lib';
import type { SimulatedAppCredentials, SimulatedMacaoCredentials } from '../../../lib/testing';

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

/** The three strategies, with `callbackURL` on `baseURL` (the app's own address). */
export function strategies(creds: Credentials, baseURL: string) {
  const { aesKey, ...gateway } = creds.mainland;
  const { authorizationURL: _redirectOnly, ...inAppGateway } = gateway;
  return {
    alipay: new AlipayStrategy({ ...gateway, callbackURL: `${baseURL}${ROUTES.callback}` }, (_a, _r, profile, done: Done) =>
      done(null, toUser(profile)),
    ),
    inApp: new AlipayInAppStrategy({ ...inAppGateway, aesKey }, (_a, _r, profile, done: Done) => done(null, toUser(profile))),
    macao: new AlipayMacaoStrategy(creds.macao, (_a, _r, profile, done: Done) => done(null, toUser(profile))),
  };
}
