/**
 * The default CSRF state store: a random state kept in `req.session[key].state`, the same layout
 * as passport-oauth2's own session store (so sessions written by either are read by both).
 * Two differences: the state comes from a pooled CSPRNG buffer, and a callback with a wrong state
 * does not consume the pending one, so a forged callback cannot cancel the user's real login.
 */
import { randomToken } from './random';

const NO_SESSION =
  'OAuth 2.0 authentication requires session support when using state. Did you forget to use express-session middleware?';

type Session = Record<string, { state?: string } | undefined>;
interface SessionRequest {
  session?: Session;
}

export class SessionStateStore {
  constructor(private readonly key: string) {}

  store(req: SessionRequest, done: (err: Error | null, state?: string) => void): void {
    const session = req.session;
    if (!session) return done(new Error(NO_SESSION));
    const state = randomToken();
    (session[this.key] ??= {}).state = state;
    done(null, state);
  }

  verify(req: SessionRequest, providedState: string | undefined, done: (err: Error | null, ok?: boolean, info?: object) => void): void {
    const session = req.session;
    if (!session) return done(new Error(NO_SESSION));
    const slot = session[this.key];
    if (!slot?.state) return done(null, false, { message: 'Unable to verify authorization request state.' });
    if (slot.state !== providedState) return done(null, false, { message: 'Invalid authorization request state.' });
    delete slot.state;
    if (Object.keys(slot).length === 0) delete session[this.key];
    done(null, true);
  }
}
