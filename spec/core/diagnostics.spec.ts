/** Gateway calls on node:diagnostics_channel: what operators see, and that no secret is in it. */
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'diagnostics_channel';
import { CALL_CHANNEL, type CallMessage } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, nockGateway, nockToken, node, strategy } from '../helpers/alipay';
import { APPLY_TOKEN_PATH, MACAO_CODE, macaoStrategy, nockMacao, post } from '../helpers/macao';

describe(`diagnostics channel ${CALL_CHANNEL}`, () => {
  let messages: CallMessage[];
  const listener = (m: unknown) => messages.push(m as CallMessage);
  beforeEach(() => {
    messages = [];
    subscribe(CALL_CHANNEL, listener);
  });
  afterEach(() => unsubscribe(CALL_CHANNEL, listener));

  it('publishes a successful mainland call with method, duration, outcome and HTTP status', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'success');
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include({ protocol: 'mainland', method: 'alipay.system.oauth.token', outcome: 'success', httpStatus: 200 });
    expect(messages[0].durationMs).to.be.a('number').and.at.least(0);
  });

  it("publishes Alipay's refusal code", async () => {
    nockToken('error_response', node('error-code-invalid'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'error');
    expect(messages[0]).to.include({ outcome: '40002', httpStatus: 200 });
  });

  it('publishes a transport failure with the upstream status', async () => {
    nockGateway('alipay.system.oauth.token', 'Not Found', 404, { 'content-type': 'text/plain' });
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'error');
    expect(messages[0]).to.include({ outcome: 'ALIPAY_HTTP_STATUS', httpStatus: 404 });
  });

  it('publishes Macao calls', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'success');
    expect(messages[0]).to.include({ protocol: 'macao', method: 'alipay.intl.oauth.auth.applyToken', outcome: 'success' });
  });

  it('never carries the auth code or a token', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'success');
    const text = JSON.stringify(messages);
    for (const secret of [AUTH_CODE, 'authusrB4a9f0c2d1e8b7a6AT', 'authusrB4a9f0c2d1e8b7a6RT']) expect(text).not.to.include(secret);
  });
});
