/** Runs a strategy once through chai-passport-strategy and resolves with what it did. */
import * as chai from 'chai';
import chaiPassportStrategy from 'chai-passport-strategy';
import type { Strategy } from 'passport';

export type Outcome =
  | { action: 'success'; user: unknown; info: Record<string, unknown> }
  | { action: 'fail'; challenge: unknown; status?: number }
  | { action: 'error'; err: Error }
  | { action: 'redirect'; url: string; status?: number };

type Prepare = (req: Record<string, any>) => void;

interface ChaiPassport {
  passport: {
    use(strategy: Strategy): {
      request(fn: Prepare): any;
    };
  };
}

// chai 6 is ESM: plugins extend the object `use` returns, not the module namespace.
const chaiPassport = chai.use(chaiPassportStrategy as never) as unknown as ChaiPassport;

export function run(strategy: Strategy, prepare: Prepare = () => {}, options?: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    chaiPassport.passport
      .use(strategy)
      .request((req: Record<string, any>) => {
        req.connection = { encrypted: false };
        req.headers.host = 'www.example.com';
        prepare(req);
      })
      .success((user: unknown, info: Record<string, unknown>) => resolve({ action: 'success', user, info }))
      .fail((challenge: unknown, status?: number) => resolve({ action: 'fail', challenge, status }))
      .error((err: Error) => resolve({ action: 'error', err }))
      .redirect((url: string, status?: number) => resolve({ action: 'redirect', url, status }))
      .authenticate(options);
  });
}

export function expectAction<A extends Outcome['action']>(outcome: Outcome, action: A): Extract<Outcome, { action: A }> {
  if (outcome.action !== action) {
    const detail = outcome.action === 'error' ? `: ${outcome.err.stack}` : `: ${JSON.stringify(outcome)}`;
    throw new Error(`expected ${action}, got ${outcome.action}${detail}`);
  }
  return outcome as Extract<Outcome, { action: A }>;
}
