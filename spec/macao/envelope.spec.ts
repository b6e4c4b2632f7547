import { expect } from 'chai';
import { createPublicKey, verify } from 'crypto';
import { MacaoClient } from '../../lib/macao/client';
import { findTopLevelMember } from '../../lib/core/json-span';
import { loadPrivateKey, loadPublicKey } from '../../lib/core/keys';
import { resolveHttpSettings } from '../../lib/core/options';
import { expectAction, run } from '../helpers/passport';
import { keys } from '../helpers/fixtures';
import { APPLY_TOKEN_PATH, CLIENT_ID, MACAO_CODE, MACAO_ORIGIN, MERCHANT_ID, macaoStrategy, nockMacao, post } from '../helpers/macao';

const FIXED = new Date(Date.UTC(2020, 7, 11, 10, 38, 52)); // 18:38:52 in Macao

function client(ids: string[] = ['e0a15879bad24193b3452f1b4110620f']) {
  return new MacaoClient({
    clientId: CLIENT_ID,
    gatewayURL: MACAO_ORIGIN,
    privateKey: loadPrivateKey(keys.appPrivatePkcs8, 'privateKey'),
    alipayPublicKey: loadPublicKey(keys.alipayPublic, 'alipayPublicKey'),
    http: resolveHttpSettings({}),
    clock: () => FIXED,
    newMessageId: () => ids.shift() as string,
  });
}

const GOLDEN_REQUEST =
  '{"head":{"version":"2.0.0","function":"alipay.intl.oauth.auth.applyToken","clientId":"5C5XSR3USG0CQJ05",' +
  '"reqTime":"2020-08-11T18:38:52+08:00","reqMsgId":"e0a15879bad24193b3452f1b4110620f"},' +
  `"body":{"grantType":"AUTHORIZATION_CODE","authCode":"${MACAO_CODE}","authMerchantId":"${MERCHANT_ID}","authSite":"ALIPAY_MO"}}`;

describe('Macao applyToken request', () => {
  const build = () =>
    client().buildRequest('alipay.intl.oauth.auth.applyToken', {
      grantType: 'AUTHORIZATION_CODE',
      authCode: MACAO_CODE,
      authMerchantId: MERCHANT_ID,
      authSite: 'ALIPAY_MO',
    });

  it('serializes the golden request exactly', () => {
    expect(build().request).to.equal(GOLDEN_REQUEST);
  });

  it('builds the body by concatenation around the signed bytes', () => {
    const { body, signature } = build();
    expect(body).to.equal(`{"request":${GOLDEN_REQUEST},"signature":"${signature}"}`);
  });

  it('signs exactly the "request" span of the body (checked independently)', () => {
    const { body } = build();
    const span = findTopLevelMember(body, 'request');
    if (span.status !== 'found') throw new Error('no request span');
    const signature = JSON.parse(body).signature as string;
    expect(verify('sha256', Buffer.from(span.text), createPublicKey(keys.appPublic), Buffer.from(signature, 'base64'))).to.equal(true);
  });

  it('posts to the function path with a JSON content type', () => {
    expect(build().path).to.equal(APPLY_TOKEN_PATH);
  });

  it('uses a new reqMsgId for every request', async () => {
    const a = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const b = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'success');
    expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'success');
    const [first, second] = [a.captured[0].json.request.head.reqMsgId, b.captured[0].json.request.head.reqMsgId];
    expect(first).to.match(/^[0-9a-f]{32}$/);
    expect(first).not.to.equal(second);
  });

  it('sends reqTime in +08:00 under TZ=America/Los_Angeles', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const { captured } = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
      expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'success');
      const reqTime = captured[0].json.request.head.reqTime;
      expect(reqTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(Math.abs(Date.parse(reqTime) - Date.now())).to.be.below(5000);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('sends the bytes it signed (the wire body verifies over its request span)', async () => {
    const { captured } = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'success');
    const span = findTopLevelMember(captured[0].raw, 'request');
    if (span.status !== 'found') throw new Error('no request span');
    const ok = verify('sha256', Buffer.from(span.text), createPublicKey(keys.appPublic), Buffer.from(captured[0].json.signature, 'base64'));
    expect(ok).to.equal(true);
    expect(captured[0].headers['content-type']).to.equal('application/json; charset=UTF-8');
  });
});
