/**
 * An Alipay identity's life on the simulator: the open_id migration's phases (user_id only, both for
 * a gray list, open_id only) with the linking recipe and the backfill client, union_id across a
 * group, work orders, and revocation (the signed message delivered to the app gateway with
 * retries, the tokens refused, the poller's view).
 */
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { AlipayInAppStrategy, AlipayOpenIdClient, AlipayRevocationPoller, alipayNotifications, type UserAuthCancelledNotification } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials } from '../../lib/testing';
import { linkAlipayIdentity, type Account, type AccountStore, type AlipayIdField } from '../../examples/recipes/link-alipay-identity';
import { expectAction, run } from '../helpers/passport';
import { post } from '../helpers/macao';

const [ZHANG, LI, ANA] = ['2088102000000001', '2088102000000002', '2088102000000003'];

/** An in-memory AccountStore with unique id columns. */
function memoryAccounts(): AccountStore & { all: Account[] } {
  const all: Account[] = [];
  return {
    all,
    async findBy(field: AlipayIdField, value: string) {
      return all.find((a) => a[field] === value);
    },
    async create(ids) {
      const account = { id: `acct-${all.length + 1}`, ...ids };
      all.push(account);
      return account;
    },
    async attach(accountId, ids) {
      const account = all.find((a) => a.id === accountId) as Account;
      for (const [field, value] of Object.entries(ids) as [AlipayIdField, string][]) {
        if (all.some((a) => a !== account && a[field] === value)) throw new Error(`${field} already belongs to another account`);
        account[field] = value;
      }
      return account;
    },
  };
}

describe('simulator: an identity through the open_id migration', () => {
  let sim: AlipaySimulator;
  let app: SimulatedAppCredentials;
  let accounts: ReturnType<typeof memoryAccounts>;
  before(async () => {
    sim = await createAlipaySimulator();
    app = sim.createApp({ name: 'migrating app' });
    accounts = memoryAccounts();
  });
  after(() => sim.close());

  const credentials = () => ({ appId: app.appId, privateKey: app.privateKey, alipayPublicKey: app.alipayPublicKey, gatewayURL: app.gatewayURL });

  /** One in-app login of `userId` through the recipe; resolves with the account and the profile's ids. */
  async function signIn(userId: string, appCreds = app) {
    const strategy = new AlipayInAppStrategy(
      { appId: appCreds.appId, privateKey: appCreds.privateKey, alipayPublicKey: appCreds.alipayPublicKey, gatewayURL: appCreds.gatewayURL },
      (_a, _r, profile, done) => {
        linkAlipayIdentity(accounts, profile).then((account) => done(null, { account, profile }), done);
      },
    );
    const { user } = expectAction(await run(strategy, post({ authCode: sim.mintAuthCode(appCreds.appId, userId) })), 'success') as any;
    return user as { account: Account; profile: { userId?: string; openId?: string; unionId?: string } };
  }

  it('phase 1, user_id only: accounts are created and found by user_id', async () => {
    const first = await signIn(ZHANG);
    expect(first.profile).to.include({ userId: ZHANG }).and.not.have.property('openId');
    await signIn(LI);
    expect((await signIn(ZHANG)).account.id).to.equal(first.account.id);
  });

  it('phase 2, both ids for a gray list: the open_id is attached to the account found by user_id', async () => {
    sim.setIdMode(app.appId, 'both', { users: [ZHANG] });
    const zhang = await signIn(ZHANG);
    expect(zhang.profile.userId).to.equal(ZHANG);
    expect(zhang.profile.openId).to.be.a('string');
    expect(zhang.account).to.include({ id: 'acct-1', alipayUserId: ZHANG, alipayOpenId: zhang.profile.openId });
    expect((await signIn(LI)).profile).to.not.have.property('openId');
  });

  it('backfill: AlipayOpenIdClient maps the stored user ids, so accounts that skipped the overlap keep working', async () => {
    const pending = accounts.all.filter((a) => a.alipayUserId && !a.alipayOpenId);
    expect(pending.map((a) => a.alipayUserId)).to.deep.equal([LI]);
    const mappings = await new AlipayOpenIdClient(credentials()).uidToOpenId(pending.map((a) => a.alipayUserId as string));
    for (const m of mappings) {
      const account = await accounts.findBy('alipayUserId', m.userId);
      await accounts.attach((account as Account).id, { alipayOpenId: m.openId });
    }
    expect(accounts.all.every((a) => a.alipayOpenId)).to.equal(true);
  });

  it('phase 3, open_id only: every account is found by its open_id, none is duplicated', async () => {
    sim.setIdMode(app.appId, 'open_id');
    const zhang = await signIn(ZHANG);
    const li = await signIn(LI);
    expect(zhang.profile).to.not.have.property('userId');
    expect([zhang.account.id, li.account.id]).to.deep.equal(['acct-1', 'acct-2']);
    expect(accounts.all).to.have.length(2);
    // A new user only ever has an open_id.
    expect((await signIn(ANA)).account).to.include({ id: 'acct-3' }).and.not.have.property('alipayUserId');
  });

  it('union_id finds the same person coming from another app of the group', async () => {
    const group = memoryAccounts();
    const shop = sim.createApp({ unionGroup: 'brand', idMode: 'open_id' });
    const mall = sim.createApp({ unionGroup: 'brand', idMode: 'open_id' });
    const link = (creds: SimulatedAppCredentials) =>
      new AlipayInAppStrategy({ appId: creds.appId, privateKey: creds.privateKey, alipayPublicKey: creds.alipayPublicKey, gatewayURL: creds.gatewayURL }, (_a, _r, profile, done) => {
        linkAlipayIdentity(group, { unionId: profile.unionId }).then((account) => done(null, { account, profile }), done);
      });
    const fromShop = expectAction(await run(link(shop), post({ authCode: sim.mintAuthCode(shop.appId, ZHANG) })), 'success').user as any;
    const fromMall = expectAction(await run(link(mall), post({ authCode: sim.mintAuthCode(mall.appId, ZHANG) })), 'success').user as any;
    expect(fromShop.profile.openId).to.not.equal(fromMall.profile.openId);
    expect(fromMall.account.id).to.equal(fromShop.account.id);
  });

  it('a work order maps only the ids it covers (alipay.open.app.openid.batchquery)', async () => {
    const orderId = sim.createOpenIdWorkOrder(app.appId, [ZHANG]);
    const result = await new AlipayOpenIdClient(credentials()).batchQuery(orderId, [ZHANG, LI]);
    expect(result.mappings.map((m) => m.userId)).to.deep.equal([ZHANG]);
    expect(result.illegalUserIds).to.deep.equal([LI]);
  });

  it('maps 230 ids in calls the simulator accepts (it refuses more than 100 per call)', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `2088${String(500 + i).padStart(12, '0')}`);
    expect(await new AlipayOpenIdClient(credentials()).uidToOpenId(ids)).to.have.length(230);
    expect(sim.calls.filter((c) => c.method === 'alipay.open.app.openid.uidtoopenid.batchquery').length).to.be.at.least(3);
  });
});

describe('simulator: revoked authorizations', () => {
  let sim: AlipaySimulator;
  let server: http.Server;
  let gateway: string;
  let failures: number;
  const received: UserAuthCancelledNotification[] = [];

  before(async () => {
    sim = await createAlipaySimulator({ notifyRetryDelaysMs: [50, 50] });
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alipay/gateway`;
  });
  after(async () => {
    await sim.close();
    await new Promise((resolve) => server.close(resolve));
  });

  function appWithGateway(): SimulatedAppCredentials {
    const app = sim.createApp({ notifyURL: gateway });
    server.removeAllListeners('request');
    server.on(
      'request',
      alipayNotifications({
        appId: app.appId,
        alipayPublicKey: app.alipayPublicKey,
        on: {
          'alipay.open.auth.userauth.cancelled': (event) => {
            if (failures-- > 0) throw new Error('database down');
            received.push(event);
          },
        },
        onError: () => undefined,
      }),
    );
    return app;
  }

  it('delivers the signed revocation to the app gateway, which verifies and hands it on', async () => {
    failures = 0;
    const app = appWithGateway();
    const delivery = await sim.revokeAuthorization(app.appId, ZHANG);
    expect(delivery).to.deep.equal({ delivered: true, statuses: [200] });
    expect(received.at(-1)).to.include({ appId: app.appId, userId: ZHANG });
  });

  it('redelivers until the gateway answers success', async () => {
    failures = 2;
    const app = appWithGateway();
    const delivery = await sim.revokeAuthorization(app.appId, LI);
    expect(delivery).to.deep.equal({ delivered: true, statuses: [500, 500, 200] });
    expect(received.filter((e) => e.userId === LI && e.appId === app.appId)).to.have.length(1);
  });

  it("refuses the revoked user's tokens afterwards", async () => {
    failures = 0;
    const app = appWithGateway();
    const strategy = new AlipayInAppStrategy({ appId: app.appId, privateKey: app.privateKey, alipayPublicKey: app.alipayPublicKey, gatewayURL: app.gatewayURL }, (_a, rt, _p, done) =>
      done(null, { rt }),
    );
    const { user } = expectAction(await run(strategy, post({ authCode: sim.mintAuthCode(app.appId, ANA) })), 'success') as any;
    await sim.revokeAuthorization(app.appId, ANA);
    const err = await strategy.refresh(user.rt).catch((e: unknown) => e);
    expect(err).to.have.property('subCode', 'isv.refresh-token-invalid');
  });

  it('lists the revocation for the poller (alipay.user.deloauth.detail.query)', async () => {
    failures = 0;
    const app = appWithGateway();
    await sim.revokeAuthorization(app.appId, ZHANG);
    const seen: string[] = [];
    const poller = new AlipayRevocationPoller({
      appId: app.appId,
      privateKey: app.privateKey,
      alipayPublicKey: app.alipayPublicKey,
      gatewayURL: app.gatewayURL,
      onRevoked: (r) => void seen.push(r.userId as string),
    });
    await poller.pollOnce();
    await poller.pollOnce();
    expect(seen).to.deep.equal([ZHANG]);
  });
});
