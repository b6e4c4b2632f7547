import { expect } from 'chai';
import * as net from 'net';
import nock from 'nock';
import { AlipayAPIError, AlipayTransportError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, GATEWAY_ORIGIN, TOKEN_NODE, callback, nockGateway, nockToken, node, strategy } from '../helpers/alipay';
import { fixture, keys } from '../helpers/fixtures';

const login = (overrides = {}) => run(strategy(overrides), callback({ auth_code: AUTH_CODE }));

describe('mainland error reporting', () => {
  it('explains isv.invalid-signature in terms of the key pair and the reported string', async () => {
    nockToken('error_response', node('error-invalid-signature'));
    const { err } = expectAction(await login(), 'error');
    expect(err.message).to.match(/privateKey pairs with the application public key/);
    expect((err as AlipayAPIError).signContent).to.match(/^app_id=.*&code=\*\*\*&/);
  });

  it('masks the auth code Alipay echoes in the isv.invalid-signature sub_msg', async () => {
    nockToken('error_response', node('error-invalid-signature'));
    const { err } = expectAction(await login(), 'error');
    expect(err.message).not.to.include('SECRETAUTHCODE123');
    expect((err as AlipayAPIError).subMsg).to.include('code=***');
  });

  it('tells the user to start again on isv.code-invalid', async () => {
    nockToken('error_response', node('error-code-invalid'));
    const { err } = expectAction(await login(), 'error');
    expect(err.message).to.match(/start the login again/);
  });

  it("answers a used or random auth_code as the user's problem: status 400", async () => {
    nockToken('error_response', node('error-code-invalid'));
    expect(expectAction(await login(), 'error').err).to.include({ status: 400 });
  });

  it("answers a configuration refusal (isv.invalid-signature) as the operator's: status 500", async () => {
    nockToken('error_response', node('error-invalid-signature'));
    expect(expectAction(await login(), 'error').err).to.include({ status: 500 });
  });

  it("answers an unknown refusal as Alipay's failure: status 502", async () => {
    nockToken('error_response', '{"code":"40004","msg":"Business Failed","sub_code":"isv.something-new","sub_msg":"?"}');
    expect(expectAction(await login(), 'error').err).to.include({ status: 502 });
  });

  it('gives advice for 40004 isv.app-unauthorized', async () => {
    nockToken('error_response', '{"code":"40004","msg":"Business Failed","sub_code":"isv.app-unauthorized","sub_msg":"应用未上线"}');
    expect(expectAction(await login(), 'error').err.message).to.match(/publish the app in the console/);
  });

  it('gives advice for a bare 40006', async () => {
    nockToken('error_response', '{"code":"40006","msg":"Insufficient Permissions"}');
    expect(expectAction(await login(), 'error').err.message).to.match(/获取会员基础信息/);
  });

  it('reports a timeout as a transport error', async () => {
    // The answer would come after 10 s; failing well before that means the 100 ms limit fired.
    nock(GATEWAY_ORIGIN).post('/gateway.do').query(true).delay(10_000).reply(200, '{}');
    const started = Date.now();
    const { err } = expectAction(await login({ timeout: 100 }), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_TIMEOUT' });
    expect(Date.now() - started).to.be.below(5000);
  });

  it('reports a connection reset as a network transport error', async () => {
    // A real socket on loopback that drops every connection as soon as the request arrives.
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const { err } = expectAction(await login({ gatewayURL: `http://127.0.0.1:${port}/gateway.do` }), 'error');
      expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_NETWORK_ERROR' });
      expect(err.message).to.include('ECONNRESET');
    } finally {
      server.close();
    }
  });

  it('reports a refused connection as a network transport error', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const { err } = expectAction(await login({ gatewayURL: `http://127.0.0.1:${port}/gateway.do` }), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_NETWORK_ERROR' });
    expect(err.message).to.include('ECONNREFUSED');
  });

  it('reports HTTP 502 with an HTML page as a transport error with the status', async () => {
    nockGateway('alipay.system.oauth.token', fixture('alipay', 'bad-gateway.html'), 502);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_HTTP_STATUS', status: 502, upstreamStatus: 502 });
  });

  it('does not follow a redirect from the gateway', async () => {
    nockGateway('alipay.system.oauth.token', '', 302, { location: 'https://evil.example.com/gateway.do' });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_HTTP_STATUS', status: 502, upstreamStatus: 302 });
  });

  it('reports an HTML page with status 200 as a non-JSON transport error', async () => {
    nockGateway('alipay.system.oauth.token', fixture('alipay', 'bad-gateway.html'), 200);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE', status: 502, upstreamStatus: 200 });
    expect(err.message).to.match(/HTML/);
  });

  it('reports truncated JSON as a transport error', async () => {
    nockGateway('alipay.system.oauth.token', `{"${TOKEN_NODE}":{"access_token":"at","us`);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('refuses a body over 1 MiB', async () => {
    nockGateway('alipay.system.oauth.token', `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_RESPONSE_TOO_LARGE' });
  });

  it('refuses a body whose content-length announces over 1 MiB', async () => {
    nockGateway('alipay.system.oauth.token', '{}', 200, { 'content-length': String(10 * 1024 * 1024) });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_RESPONSE_TOO_LARGE' });
  });

  it('reports a response without the method node as a transport error', async () => {
    nockGateway('alipay.system.oauth.token', '{"something_else":{}}');
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('keeps the error class intact through passport (never InternalOAuthError)', async () => {
    nockToken('error_response', node('error-code-invalid'));
    const { err } = expectAction(await login(), 'error');
    expect(err.constructor.name).to.equal('AlipayAPIError');
  });

  it('puts no key, token or auth code into any error message', async () => {
    const secrets = [AUTH_CODE, 'SECRETAUTHCODE123', keys.appPrivatePkcs8Base64.slice(0, 40)];
    const cases: Array<() => void> = [
      () => nockToken('error_response', node('error-invalid-signature')),
      () => nockToken('error_response', node('error-code-invalid')),
      () => nockToken(TOKEN_NODE, node('token-user-id'), { sign: null }),
      () => nockGateway('alipay.system.oauth.token', fixture('alipay', 'bad-gateway.html'), 502),
    ];
    for (const arrange of cases) {
      arrange();
      const { err } = expectAction(await login(), 'error');
      for (const secret of secrets) expect(`${err.message} ${JSON.stringify(err)}`).not.to.include(secret);
    }
  });
});
