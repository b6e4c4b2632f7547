import { expect } from 'chai';
import { AlipayAPIError, AlipaySignatureError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, gatewayBody, nockGateway, nockToken, node, strategy } from '../helpers/alipay';
import { alipaySign, keys } from '../helpers/fixtures';

const login = () => run(strategy(), callback({ auth_code: AUTH_CODE }));

describe('mainland response verification', () => {
  it('accepts a correctly signed token response', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expect(expectAction(await login(), 'success').user).to.deep.equal({ id: '2088102000000001' });
  });

  it('verifies over the raw text when it contains \\/ escapes signed as sent', async () => {
    const text = '{"access_token":"at","avatar":"https:\\/\\/x.cn\\/a.png","user_id":"2088102000000001"}';
    nockToken(TOKEN_NODE, text);
    expectAction(await login(), 'success');
  });

  it('retries with / when Alipay signed the unescaped text', async () => {
    const text = '{"access_token":"at","avatar":"https:\\/\\/x.cn\\/a.png","user_id":"2088102000000001"}';
    nockToken(TOKEN_NODE, text, { signOver: text.replace(/\\\//g, '/') });
    expectAction(await login(), 'success');
  });

  it('reads the values from the text that verified, when a signed value holds a backslash before a slash', async () => {
    // Raw text: "note":"a\\/b". Signed with the \/ escapes removed, Alipay's text says a/b; the
    // original, parsed as sent, would say a\/b. Only the verified text is what Alipay signed.
    const text = '{"access_token":"at","note":"a\\\\/b","user_id":"2088102000000001"}';
    nockToken(TOKEN_NODE, text, { signOver: text.replace(/\\\//g, '/') });
    const seen: { params?: Record<string, unknown> } = {};
    const verify = (_a: string, _r: string, params: Record<string, unknown>, _p: unknown, done: (e: null, u: object) => void) => {
      seen.params = params;
      done(null, {});
    };
    expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.params?.note).to.equal('a/b');
  });

  it('verifies raw Chinese text', async () => {
    const text = '{"access_token":"at","nick":"支付宝小二","user_id":"2088102000000001"}';
    nockToken(TOKEN_NODE, text);
    expectAction(await login(), 'success');
  });

  it('verifies keys in unusual order (sign first, node last)', async () => {
    const text = node('token-union');
    const body = `{"sign":"${alipaySign(text)}","${TOKEN_NODE}":${text}}`;
    nockGateway('alipay.system.oauth.token', body);
    expectAction(await login(), 'success');
  });

  it('verifies a response with whitespace around and inside the node', async () => {
    const text = '{ "access_token" : "at",\n  "user_id" : "2088102000000001" }';
    const body = `{\n  "${TOKEN_NODE}" :  ${text} ,\n  "sign" : "${alipaySign(text)}"\n}\n`;
    nockGateway('alipay.system.oauth.token', body);
    expectAction(await login(), 'success');
  });

  it('reports a signed error_response as AlipayAPIError with its codes', async () => {
    nockToken('error_response', node('error-code-invalid'));
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError);
    expect(err).to.include({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.code-invalid', subMsg: '授权码code无效', signed: true });
  });

  it('reports a sub_code inside the method node as AlipayAPIError', async () => {
    nockToken(TOKEN_NODE, node('error-code-invalid'));
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'isv.code-invalid' });
  });

  it('reports an unsigned error response, marked unsigned', async () => {
    nockToken('error_response', node('error-code-invalid'), { sign: null });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ signed: false });
  });

  it('rejects a token response with one tampered byte', async () => {
    const text = node('token-user-id');
    const body = gatewayBody(TOKEN_NODE, text).replace('2088102000000001', '2088102000000009');
    nockGateway('alipay.system.oauth.token', body);
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_SIGNATURE_INVALID' });
  });

  it('rejects a success without sign', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { sign: null });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_SIGNATURE_MISSING' });
  });

  it('rejects a success signed by another key', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { sign: alipaySign(node('token-user-id'), keys.otherPrivate) });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError);
  });

  it('rejects a signed error response whose signature does not verify', async () => {
    nockToken('error_response', node('error-code-invalid'), { sign: alipaySign('something else') });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError);
  });

  it('rejects a duplicated node injected after the real one', async () => {
    const forged = '{"access_token":"evil","user_id":"2088999999999999"}';
    nockToken(TOKEN_NODE, node('token-user-id'), { after: `,"${TOKEN_NODE}":${forged}` });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_RESPONSE_DUPLICATE_MEMBER' });
  });

  it('rejects a duplicated sign member', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { after: ',"sign":"AAAA"' });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError);
  });

  it('rejects a verified token response that names no user', async () => {
    nockToken(TOKEN_NODE, '{"access_token":"at","expires_in":100}');
    const { err } = expectAction(await login(), 'error');
    expect(err.message).to.match(/neither user_id nor open_id/);
  });
});
