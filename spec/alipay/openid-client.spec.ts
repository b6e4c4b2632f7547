/**
 * AlipayOpenIdClient and AlipayRevocationPoller against recorded-shape answers (nock). Request and
 * answer fields follow alipay-sdk-java's AlipayOpenAppOpenidUidtoopenidBatchqueryModel (user_id_list),
 * OpenIdValue (user_id, open_id, union_id), AlipayUserDeloauthDetailQueryModel (date, limit, offset)
 * and DelOauthDetail (user_id, open_id, scope, del_auth_time).
 */
import { expect } from 'chai';
import { AlipayAPIError, AlipayConfigError, AlipayOpenIdClient, AlipayRevocationPoller, AlipaySignatureError, OPENID_BATCH_SIZE } from '../../lib';
import { APP_ID, gatewayBody, nockGateway } from '../helpers/alipay';
import { keys } from '../helpers/fixtures';

const UID_METHOD = 'alipay.open.app.openid.uidtoopenid.batchquery';
const UID_NODE = 'alipay_open_app_openid_uidtoopenid_batchquery_response';
const ORDER_NODE = 'alipay_open_app_openid_batchquery_response';
const DELOAUTH_NODE = 'alipay_user_deloauth_detail_query_response';
const credentials = { appId: APP_ID, privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic };

const uid = (n: number) => `2088${String(n).padStart(12, '0')}`;
const answerFor = (ids: string[]) =>
  JSON.stringify({ code: '10000', msg: 'Success', open_id_list: ids.map((id) => ({ user_id: id, open_id: `oid${id}`, union_id: '' })) });

describe('AlipayOpenIdClient', () => {
  it('maps user ids to open ids with alipay.open.app.openid.uidtoopenid.batchquery', async () => {
    const { captured } = nockGateway(UID_METHOD, gatewayBody(UID_NODE, answerFor([uid(1), uid(2)])));
    const mappings = await new AlipayOpenIdClient(credentials).uidToOpenId([uid(1), uid(2)]);
    expect(JSON.parse(captured[0].body.get('biz_content') as string)).to.deep.equal({ user_id_list: [uid(1), uid(2)] });
    expect(mappings).to.deep.equal([
      { userId: uid(1), openId: `oid${uid(1)}` },
      { userId: uid(2), openId: `oid${uid(2)}` },
    ]);
  });

  it(`sends at most ${OPENID_BATCH_SIZE} ids per call, in order, and reports each batch`, async () => {
    const ids = Array.from({ length: 250 }, (_, i) => uid(i + 1));
    const sizes: number[] = [];
    const calls = [ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)].map((batch) => nockGateway(UID_METHOD, gatewayBody(UID_NODE, answerFor(batch))));
    const mappings = await new AlipayOpenIdClient(credentials).uidToOpenId(ids, (batch) => sizes.push(batch.length));
    expect(calls.map(({ captured }) => JSON.parse(captured[0].body.get('biz_content') as string).user_id_list.length)).to.deep.equal([100, 100, 50]);
    expect(sizes).to.deep.equal([100, 100, 50]);
    expect(mappings.map((m) => m.userId)).to.deep.equal(ids);
  });

  it('keeps a union_id when the app is in a group', async () => {
    nockGateway(UID_METHOD, gatewayBody(UID_NODE, JSON.stringify({ code: '10000', msg: 'Success', open_id_list: [{ user_id: uid(1), open_id: 'o1', union_id: 'u1' }] })));
    expect(await new AlipayOpenIdClient(credentials).uidToOpenId([uid(1)])).to.deep.equal([{ userId: uid(1), openId: 'o1', unionId: 'u1' }]);
  });

  it('rejects with AlipayAPIError when Alipay refuses', async () => {
    nockGateway(UID_METHOD, gatewayBody('error_response', '{"code":"40006","msg":"Insufficient Permissions","sub_code":"isv.insufficient-isv-permissions","sub_msg":"ISV权限不足"}'));
    const err = await new AlipayOpenIdClient(credentials).uidToOpenId([uid(1)]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', 'isv.insufficient-isv-permissions');
  });

  it('rejects an answer that does not verify', async () => {
    nockGateway(UID_METHOD, gatewayBody(UID_NODE, answerFor([uid(1)]), { sign: Buffer.alloc(256, 3).toString('base64') }));
    expect(await new AlipayOpenIdClient(credentials).uidToOpenId([uid(1)]).catch((e: unknown) => e)).to.be.instanceOf(AlipaySignatureError);
  });

  it('refuses input that is not an array of id strings', async () => {
    const err = await new AlipayOpenIdClient(credentials).uidToOpenId(['2088', 7 as never]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayConfigError);
  });

  it('reports the ids outside a work order with batchQuery', async () => {
    const { captured } = nockGateway(
      'alipay.open.app.openid.batchquery',
      gatewayBody(ORDER_NODE, JSON.stringify({ code: '10000', msg: 'Success', open_id_list: [{ user_id: uid(1), open_id: 'o1' }], illegal_user_id_list: [uid(2)] })),
    );
    const result = await new AlipayOpenIdClient(credentials).batchQuery('WO1', [uid(1), uid(2)]);
    expect(JSON.parse(captured[0].body.get('biz_content') as string)).to.deep.equal({ order_id: 'WO1', user_id_list: [uid(1), uid(2)] });
    expect(result).to.deep.equal({ mappings: [{ userId: uid(1), openId: 'o1' }], illegalUserIds: [uid(2)] });
  });
});

describe('AlipayRevocationPoller', () => {
  const detail = (n: number) => ({ user_id: uid(n), scope: 'auth_base', del_auth_time: '2026-11-30 10:00:00' });

  it('asks for each of the last days, page by page, and reports each revocation once', async () => {
    const seen: string[] = [];
    const poller = new AlipayRevocationPoller({ ...credentials, days: 1, onRevoked: (r) => void seen.push(r.userId as string) });
    const first = nockGateway('alipay.user.deloauth.detail.query', gatewayBody(DELOAUTH_NODE, JSON.stringify({ code: '10000', msg: 'Success', details: [detail(1), detail(2)] })));
    const reported = await poller.pollOnce();
    expect(JSON.parse(first.captured[0].body.get('biz_content') as string)).to.include({ limit: 100, offset: 1 }).and.to.have.property('date').that.match(/^\d{4}-\d\d-\d\d$/);
    expect(reported.map((r) => r.userId)).to.deep.equal([uid(1), uid(2)]);
    expect(reported[0].revokedAt?.toISOString()).to.equal('2026-11-30T02:00:00.000Z');
    nockGateway('alipay.user.deloauth.detail.query', gatewayBody(DELOAUTH_NODE, JSON.stringify({ code: '10000', msg: 'Success', details: [detail(1), detail(2), detail(3)] })));
    expect((await poller.pollOnce()).map((r) => r.userId)).to.deep.equal([uid(3)]);
    expect(seen).to.deep.equal([uid(1), uid(2), uid(3)]);
  });

  it('reports a revocation again on the next poll when onRevoked failed', async () => {
    let fail = true;
    const poller = new AlipayRevocationPoller({
      ...credentials,
      days: 1,
      onRevoked: () => {
        if (fail) throw new Error('database down');
      },
    });
    const body = gatewayBody(DELOAUTH_NODE, JSON.stringify({ code: '10000', msg: 'Success', details: [detail(1)] }));
    nockGateway('alipay.user.deloauth.detail.query', body);
    expect(await poller.pollOnce().catch((e: Error) => e.message)).to.equal('database down');
    fail = false;
    nockGateway('alipay.user.deloauth.detail.query', body);
    expect(await poller.pollOnce()).to.have.length(1);
  });

  it('needs onRevoked', () => {
    expect(() => new AlipayRevocationPoller({ ...credentials } as never)).to.throw(AlipayConfigError, /onRevoked/);
  });
});
