/**
 * The browser half of a redirect login, shared by AlipayStrategy (users) and
 * AlipayMerchantStrategy (merchants authorizing a service provider): issue a CSRF state and
 * redirect with it; on the callback, check and consume it.
 */
import { AlipayError } from '../core/errors';
import type { OAuth2Strategy, OAuth2StrategyOptions } from '../core/oauth2-base';
import { SessionStateStore } from '../core/session-state';
import { storeState, verifyState, type RecordedLogin, type StateMeta } from '../core/state-store';
import type { OAuth2Internals } from '../core/strategy-base';

/** Alipay echoes `state` only up to 100 ASCII characters. */
const MAX_STATE_LENGTH = 100;

type StateStore = OAuth2Internals['_stateStore'];

/** What passport-oauth2 needs to know about the state of a redirect login. */
export function stateOptions(
  options: { state?: boolean; store?: object | true; sessionKey?: string; proxy?: boolean },
  authorizationURL: string,
): Pick<OAuth2StrategyOptions, 'state' | 'store' | 'sessionKey' | 'proxy'> {
  const sessionKey = options.sessionKey ?? `oauth2:${new URL(authorizationURL).hostname}`;
  return {
    state: options.state !== false,
    store: options.store ?? (options.state === false ? undefined : new SessionStateStore(sessionKey)),
    sessionKey,
    proxy: options.proxy,
  };
}

/**
 * Issues a state for `meta` and redirects to `url` with it. Runs on passport's per-request
 * strategy object, whose `redirect` and `error` are that request's.
 */
export function redirectWithState(strategy: OAuth2Strategy, store: StateStore, req: unknown, appState: unknown, meta: StateMeta, url: string): void {
  try {
    storeState(store, req, appState, meta, (err, state) => {
      if (err) return strategy.error(err as Error);
      if (state === undefined || state === null || state === '') return strategy.redirect(url);
      if (typeof state !== 'string' || state.length > MAX_STATE_LENGTH || !/^[\x20-\x7e]+$/.test(state)) {
        return strategy.error(
          new AlipayError(
            `The state store produced a state Alipay cannot echo: it must be ASCII and at most ${MAX_STATE_LENGTH} characters.`,
            'ALIPAY_STATE_INVALID',
          ),
        );
      }
      strategy.redirect(`${url}&state=${encodeURIComponent(state)}`);
    });
  } catch (err) {
    strategy.error(err as Error);
  }
}

/**
 * Checks and consumes the state a callback carries. Calls `accepted` with what the store gave back
 * (application state, what it recorded), or fails the login with 403.
 */
export function acceptState(
  strategy: OAuth2Strategy,
  store: StateStore,
  req: unknown,
  query: Record<string, unknown>,
  meta: () => StateMeta,
  accepted: (info: unknown, recorded: RecordedLogin | undefined) => void,
): void {
  const state = typeof query.state === 'string' ? query.state : undefined;
  try {
    verifyState(store, req, state, meta, (err, ok, info, recorded) => {
      if (err) return strategy.error(err as Error);
      if (!ok) return strategy.fail(info as never, 403);
      accepted(info, recorded);
    });
  } catch (err) {
    strategy.error(err as Error);
  }
}
