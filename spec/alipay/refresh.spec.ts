import { expect } from 'chai';
import { AuthTokenRefresh } from 'passport-oauth2-refresh';
import { AlipayAPIError } from '../../lib';
import { TOKEN_NODE, nockToken, node, strategy } from '../helpers/alipay';

describe('mainland refresh', () => {
  it('exchanges a refresh token with grant_type=refresh_token', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    const grant = await strategy().refresh('old-refresh-token');
    expect(Object.fromEntries(captured[0].body)).to.deep.equal({ grant_type: 'refresh_token', refresh_token: 'old-refresh-token' });
    expect(grant).to.deep.include({ accessToken: 'authusrB4a9f0c2d1e8b7a6AT', refreshToken: 'authusrB4a9f0c2d1e8b7a6RT' });
    expect(grant.params.expires_in).to.equal(1296000);
  });

  it('reports an invalid refresh token as AlipayAPIError without the token in the message', async () => {
    nockToken('error_response', node('error-refresh-token-invalid'));
    try {
      await strategy().refresh('old-refresh-token');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'isv.refresh-token-invalid' });
      expect((err as Error).message).not.to.include('old-refresh-token');
    }
  });

  it('refuses an empty refresh token without a gateway call', async () => {
    try {
      await strategy().refresh('');
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).message).to.match(/refresh token/);
    }
  });

  it('works through passport-oauth2-refresh, which calls the exchange on another object', (done) => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    const refresher = new AuthTokenRefresh();
    refresher.use(strategy());
    refresher.requestNewAccessToken('alipay', 'old-refresh-token', (err: unknown, accessToken: string, refreshToken: string, params: any) => {
      try {
        expect(err).to.equal(null);
        expect([accessToken, refreshToken]).to.deep.equal(['authusrB4a9f0c2d1e8b7a6AT', 'authusrB4a9f0c2d1e8b7a6RT']);
        expect(params.user_id).to.equal('2088102000000001');
        expect(captured[0].body.get('grant_type')).to.equal('refresh_token');
        done();
      } catch (e) {
        done(e);
      }
    });
  });

  it('passes typed errors through passport-oauth2-refresh', (done) => {
    nockToken('error_response', node('error-refresh-token-invalid'));
    const refresher = new AuthTokenRefresh();
    refresher.use(strategy());
    refresher.requestNewAccessToken('alipay', 'old', (err: unknown) => {
      try {
        expect(err).to.be.instanceOf(AlipayAPIError);
        done();
      } catch (e) {
        done(e);
      }
    });
  });
});
