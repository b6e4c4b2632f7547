/**
 * Fuzzed callback requests: whatever shape the query and body take, a strategy answers with fail or
 * error: never success, never a redirect back to Alipay, never an uncaught exception or a hang.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { FetchLike } from '../../lib';
import { expectAction, run, type Outcome } from '../helpers/passport';
import { gatewayBody, node, strategy } from '../helpers/alipay';
import { envelopeBody, macaoStrategy, responseText, expiryVars } from '../helpers/macao';

async function* once(text: string) {
  yield Buffer.from(text);
}

/** A gateway that refuses every code (signed, as Alipay would): any exchange ends in an error. */
const mainlandGateway: FetchLike = async () => ({
  status: 200,
  headers: { get: () => null },
  body: once(gatewayBody('error_response', node('error-code-invalid'))),
});

const macaoGateway: FetchLike = async (_url, init) => {
  const head = JSON.parse(init.body).request.head;
  const text = responseText('result-AUTH_CODE_INVALID', { reqMsgId: head.reqMsgId, function: head.function, ...expiryVars() });
  return { status: 200, headers: { get: () => null }, body: once(envelopeBody(text)) };
};

const hostileValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 100, maxLength: 5000 }),
  fc.stringMatching(/^[A-Za-z0-9]{1,200}$/),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.integer(),
  fc.constant(null),
  fc.constant(''),
  fc.constant({ $ne: null }),
);

function withinOneSecond(outcome: Promise<Outcome>): Promise<Outcome> {
  return Promise.race([outcome, new Promise<Outcome>((_, reject) => setTimeout(() => reject(new Error('strategy never answered')), 1000))]);
}

describe('property: hostile callback requests', () => {
  it('mainland: any callback shape fails or errors', async () => {
    const s = strategy({ state: true, fetch: mainlandGateway });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('auth_code', 'state', 'error', 'app_id', 'source', 'code', 'scope', 'x'), hostileValue, { minKeys: 1 }),
        fc.constantFrom('auth_code', 'state', 'error', 'app_id', 'source'),
        hostileValue,
        fc.boolean(),
        async (query, marker, markerValue, sessionHasState) => {
          const q = { [marker]: markerValue ?? 'x', ...query };
          const outcome = await withinOneSecond(
            run(s, (req) => {
              req.query = q;
              req.url = '/auth/alipay/callback';
              req.session = sessionHasState && typeof q.state === 'string' ? { 'oauth2:openauth.alipay.com': { state: q.state } } : {};
            }),
          );
          expect(['fail', 'error']).to.include(outcome.action);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mainland: duplicated and odd parameters in a raw URL fail or error', async () => {
    const s = strategy({ state: true, fetch: mainlandGateway });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('auth_code', 'state', 'error', 'x'), fc.string()), { minLength: 1, maxLength: 6 }), async (pairs) => {
        const url = '/auth/alipay/callback?' + pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const marked = pairs.some(([k]) => k !== 'x') ? url : `${url}&state=s`;
        const outcome = await withinOneSecond(
          run(s, (req) => {
            req.url = marked;
            req.session = {};
          }),
        );
        expect(['fail', 'error']).to.include(outcome.action);
      }),
      { numRuns: 200 },
    );
  });

  it('Macao: any body and query shape fails or errors', async () => {
    const s = macaoStrategy({ fetch: macaoGateway });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.dictionary(fc.constantFrom('authCode', 'auth_code', 'code', 'x'), hostileValue), hostileValue),
        fc.dictionary(fc.constantFrom('authCode', 'auth_code', 'x'), hostileValue),
        async (body, query) => {
          const outcome = await withinOneSecond(
            run(s, (req) => {
              req.method = 'POST';
              req.headers['content-type'] = 'application/json';
              req.body = body;
              req.query = query;
            }),
          );
          expect(['fail', 'error']).to.include(outcome.action);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a well-formed code still ends in the gateway refusal, not a success', async () => {
    const out = await run(strategy({ fetch: mainlandGateway }), (req) => (req.query = { auth_code: 'abc' }));
    expect(expectAction(out, 'error').err.message).to.match(/isv\.code-invalid/);
  });
});
