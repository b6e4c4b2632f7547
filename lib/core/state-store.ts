/**
 * Calls a passport-oauth2 state store the way passport-oauth2 itself does: stores come in several
 * arities (`store(req, cb)`, `store(req, meta, cb)`, `store(req, state, meta, cb)`,
 * `store(req, verifier, state, meta, cb)`; `verify(req, state, cb)` or `verify(req, state, meta, cb)`),
 * and the arity says which one a store implements.
 */
import type { OAuth2Internals } from './strategy-base';

export interface StateMeta {
  /** The strategy that issued the state (a state store may bind states to it). */
  strategyName?: string;
  authorizationURL: string;
  tokenURL: string;
  clientID: string;
  callbackURL: string;
  /** The scope the login asked for: this package's stores keep it and give it back on verify. */
  scope?: string;
  /** Service providers: the merchant app the login is for; this package's stores keep it too. */
  merchantAppId?: string;
}

/** What this package's own stores return beside passport's (ok, appState) on verify. */
export interface RecordedLogin {
  /** The scope recorded when the login started. */
  scope?: string;
  /** The merchant app recorded when the login started. */
  merchantAppId?: string;
}

type Store = OAuth2Internals['_stateStore'];

export function storeState(
  store: Store,
  req: unknown,
  appState: unknown,
  meta: StateMeta,
  done: (err: unknown, state?: unknown) => void,
): void {
  switch (store.store.length) {
    case 5:
      return store.store(req, undefined, appState, meta, done);
    case 4:
      return store.store(req, appState, meta, done);
    case 3:
      return store.store(req, meta, done);
    default:
      return store.store(req, done);
  }
}

/** `meta` is a function: computing it resolves the callback URL, which most stores never read. */
export function verifyState(
  store: Store,
  req: unknown,
  providedState: string | undefined,
  meta: () => StateMeta,
  done: (err: unknown, ok?: unknown, info?: unknown, recorded?: RecordedLogin) => void,
): void {
  if (store.verify.length === 4) return store.verify(req, providedState, meta(), done);
  return store.verify(req, providedState, done);
}
