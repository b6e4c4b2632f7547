/**
 * The demo's service-provider mode (simulator only): a merchant onboards by authorizing the demo's
 * provider app (AlipayMerchantStrategy), then users sign into that merchant's app through this
 * backend (AlipayStrategy with the `merchant` option). Merchant tokens live in memory here; a real
 * provider keeps them in its database.
 */
import type passport from 'passport';
import {
  AlipayMerchantStrategy,
  AlipayStrategy,
  type AlipayMerchantProfile,
  type AlipayMerchantTokenParams,
  type AlipayProfile,
  type AlipayTokenParams,
  type MerchantApp,
  type VerifyWithParams,
} from 'passport-alipay';
import type { AlipaySimulator } from 'passport-alipay/testing';

/** A merchant app that authorized the provider. */
export interface OnboardedMerchant {
  appId: string;
  name: string;
  /** The merchant's Alipay account (2088…). */
  merchantId: string;
  appAuthToken: string;
}

export interface ServiceProvider {
  /** Merchant apps the simulator knows, by app id, with their names. */
  merchantApps: { appId: string; name: string }[];
  /** Onboarded merchants, by merchant app id. */
  onboarded: Map<string, OnboardedMerchant>;
}

/**
 * Registers the provider app and two merchant apps on the simulator, and the two strategies on
 * `auth`: 'alipay-merchant' (onboarding) and 'alipay-provider' (users of merchants' apps).
 */
export function setUpServiceProvider(
  auth: passport.PassportStatic,
  simulator: AlipaySimulator,
  baseURL: string,
  toSessionUser: (params: AlipayTokenParams, profile: AlipayProfile) => Express.User,
): ServiceProvider {
  const provider = simulator.createApp({ name: 'passport-alipay demo SaaS (service provider)', serviceProvider: true });
  const merchantApps = ['Tea House 茶馆', 'Corner Bakery 面包房'].map((name) => ({ appId: simulator.createApp({ name }).appId, name }));
  const onboarded = new Map<string, OnboardedMerchant>();
  const keys = { appId: provider.appId, privateKey: provider.privateKey, alipayPublicKey: provider.alipayPublicKey, gatewayURL: provider.gatewayURL };

  auth.use(
    new AlipayMerchantStrategy(
      { ...keys, authorizationURL: simulator.appAuthorizationURL, callbackURL: `${baseURL}/provider/merchant/callback` },
      ((_appAuthToken, _refresh, params, profile, done) => {
        for (const token of params.tokens) {
          const app = merchantApps.find((a) => a.appId === token.auth_app_id);
          if (app) onboarded.set(app.appId, { ...app, merchantId: profile.id, appAuthToken: token.app_auth_token });
        }
        done(null, { provider: 'alipay', id: profile.id, flow: 'merchant onboarding', details: { authAppId: profile.authAppId } });
      }) satisfies VerifyWithParams<AlipayMerchantTokenParams, AlipayMerchantProfile>,
    ),
  );

  /** The merchant of a login: chosen on the provider page when it starts, named by Alipay's callback when it ends. */
  const merchant = (req: { url?: string }, lookup: { appId?: string }): MerchantApp | undefined => {
    const chosen = lookup.appId ?? new URL(req.url ?? '/', 'http://localhost').searchParams.get('merchant');
    const found = chosen ? onboarded.get(chosen) : undefined;
    return found && { appId: found.appId, appAuthToken: found.appAuthToken };
  };
  auth.use(
    new AlipayStrategy(
      {
        ...keys,
        name: 'alipay-provider',
        authorizationURL: simulator.authorizationURL,
        callbackURL: `${baseURL}/provider/auth/callback`,
        scope: 'auth_user',
        merchant,
      },
      ((_accessToken, _refreshToken, params, profile, done) => done(null, toSessionUser(params, profile))) satisfies VerifyWithParams<
        AlipayTokenParams,
        AlipayProfile
      >,
    ),
  );
  return { merchantApps, onboarded };
}
