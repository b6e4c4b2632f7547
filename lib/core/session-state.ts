/**
 * The default CSRF state store: random states kept in the user's session under `req.session[key]`.
 *
 * Several logins may be pending at once (two tabs, a double click, a back button): the session keeps
 * up to `MAX_PENDING` states, each single-use and each expiring after `STATE_LIFETIME_MS`. Starting
 * one more drops the oldest. A callback with a wrong state consumes nothing, so a forged callback
 * cannot cancel the user's real login. The state comes from a pooled CSPRNG buffer.
 *
 * Each login also records the scope it asked for (and, for service providers, the merchant app), which decides the user-information call (the
 * callback's own `scope` parameter is not signed). Sessions written by passport-oauth2's own store
 * (`{ state }`, one pending login) are still read.
 */
import { timingSafeEqual } from 'crypto';
import { randomToken } from './random';
import type { RecordedLogin, StateMeta } from './state-store';

const NO_SESSION =
  'OAuth 2.0 authentication requires session support when using state. Did you forget to use express-session middleware?';

/** Logins one session may have pending at once. */
export const MAX_PENDING = 5;
/** How long a pending login stays valid (Alipay's consent page rarely takes more than a minute). */
export const STATE_LIFETIME_MS = 10 * 60 * 1000;

interface PendingState {
  state: string;
  /** Epoch milliseconds after which the state is refused. */
  expires: number;
  /** The scope the login asked for. */
  scope?: string;
  /** The merchant app the login is for (service providers). */
  merchantAppId?: string;
}

interface Slot {
  /** passport-oauth2's layout: one pending login. */
  state?: string;
  pending?: PendingState[];
}

type Session = Record<string, Slot | undefined>;
interface SessionRequest {
  session?: Session;
}

function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStateStore {
  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The slot's pending states that have not expired, a legacy single state included. */
  private live(slot: Slot | undefined): PendingState[] {
    const now = this.now();
    const pending = (slot?.pending ?? []).filter((p) => p.expires > now);
    if (slot?.state) pending.push({ state: slot.state, expires: now + STATE_LIFETIME_MS });
    return pending;
  }

  /** Writes `pending` back, or removes the slot when nothing is left. */
  private keep(session: Session, pending: PendingState[]): void {
    if (pending.length === 0) delete session[this.key];
    else session[this.key] = { pending };
  }

  store(req: SessionRequest, meta: Pick<StateMeta, 'scope' | 'merchantAppId'>, done: (err: Error | null, state?: string) => void): void {
    const session = req.session;
    if (!session) return done(new Error(NO_SESSION));
    const state = randomToken();
    const pending = this.live(session[this.key]);
    const entry: PendingState = { state, expires: this.now() + STATE_LIFETIME_MS };
    if (meta.scope) entry.scope = meta.scope;
    if (meta.merchantAppId) entry.merchantAppId = meta.merchantAppId;
    pending.push(entry);
    this.keep(session, pending.slice(-MAX_PENDING));
    done(null, state);
  }

  // Four parameters: passport-oauth2 (and state-store.ts) choose the call shape by arity.
  verify(
    req: SessionRequest,
    providedState: string | undefined,
    _meta: StateMeta,
    done: (err: Error | null, ok?: boolean, info?: object, recorded?: RecordedLogin) => void,
  ): void {
    const session = req.session;
    if (!session) return done(new Error(NO_SESSION));
    const pending = this.live(session[this.key]);
    if (pending.length === 0) return done(null, false, { message: 'Unable to verify authorization request state.' });
    const match = typeof providedState === 'string' ? pending.findIndex((p) => sameState(p.state, providedState)) : -1;
    if (match < 0) return done(null, false, { message: 'Invalid authorization request state.' });
    const [{ scope, merchantAppId }] = pending.splice(match, 1);
    this.keep(session, pending);
    const recorded: RecordedLogin = { scope };
    if (merchantAppId) recorded.merchantAppId = merchantAppId;
    done(null, true, undefined, recorded);
  }
}
