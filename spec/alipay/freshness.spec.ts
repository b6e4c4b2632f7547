/**
 * Replayed token answers: a genuine, correctly signed answer recorded earlier must not sign anyone
 * in for a fresh code. auth_start is inside the signed text, so a replay cannot drop or move it.
 */
import { expect } from 'chai';
import { AlipayConfigError, AlipaySignatureError, AlipayTransportError } from '../../lib';
import { formatShanghaiTimestamp } from '../../lib/core/clock';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, nockToken, node, strategy } from '../helpers/alipay';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The user-id token fixture as Alipay would have sent it at `issued` (epoch ms). */
function tokenIssuedAt(issued: number, extra = ''): string {
  return node('token-user-id', { stale: true }).replace(/"auth_start":"[^"]*"/, `"auth_start":"${formatShanghaiTimestamp(new Date(issued))}"${extra}`);
}

const login = (options = {}) => run(strategy(options), callback({ auth_code: AUTH_CODE }));

describe('mainland token answers must be fresh', () => {
  it('refuses a genuine answer recorded 40 days ago (its token expired 25 days ago)', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 40 * DAY));
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_ANSWER_STALE' });
    expect(err.message).to.match(/replayed answer/);
  });

  it('signs in with the same answer issued now', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now()));
    expectAction(await login(), 'success');
  });

  it('refuses a login answer issued 10 minutes ago, although its token still lives', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 10 * MINUTE));
    expect(expectAction(await login(), 'error').err).to.include({ code: 'ALIPAY_ANSWER_STALE' });
  });

  it('allows 4 minutes of clock skew either way by default', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 4 * MINUTE));
    expectAction(await login(), 'success');
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() + 4 * MINUTE));
    expectAction(await login(), 'success');
  });

  it('refuses an answer from 6 minutes in the future (a clock far off, or a forged one)', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() + 6 * MINUTE));
    expect(expectAction(await login(), 'error').err).to.include({ code: 'ALIPAY_ANSWER_STALE' });
  });

  it('takes the window from answerWindow (seconds)', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 10 * MINUTE));
    expectAction(await login({ answerWindow: 15 * 60 }), 'success');
  });

  it('refuses an answerWindow that is not a positive number, at construction', () => {
    expect(() => strategy({ answerWindow: 0 })).to.throw(AlipayConfigError, /answerWindow must be a positive number of seconds/);
  });

  it('judges an answer without auth_start as issued now', async () => {
    nockToken(TOKEN_NODE, node('token-user-id', { stale: true }).replace(/"auth_start":"[^"]*",/, ''));
    expectAction(await login(), 'success');
  });

  it('refuses an auth_start that is not a Shanghai timestamp', async () => {
    nockToken(TOKEN_NODE, node('token-user-id', { stale: true }).replace(/"auth_start":"[^"]*"/, '"auth_start":"2026-02-31 12:00:00"'));
    expect(expectAction(await login(), 'error').err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('refuses a refresh answer whose token has already expired', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 20 * DAY));
    const err = await strategy().refresh('old-refresh-token').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_ANSWER_STALE' });
  });

  it('accepts a refresh answer that started a while ago but still lives (refresh answers may repeat the grant time)', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 2 * DAY));
    expect(await strategy().refresh('old-refresh-token')).to.have.property('accessToken');
  });

  it('never expires a permanent token', async () => {
    nockToken(TOKEN_NODE, tokenIssuedAt(Date.now() - 40 * DAY, ',"auth_token_type":"permanent"'));
    expect(await strategy().refresh('old-refresh-token')).to.have.property('accessToken');
  });
});
