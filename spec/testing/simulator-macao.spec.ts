import { expect } from 'chai';
import { AlipayMacaoAPIError, AlipayMacaoStrategy } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { post } from '../helpers/macao';
import { keys } from '../helpers/fixtures';

describe('simulator: Macao', () => {
  let sim: AlipaySimulator;
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(() => sim.close());

  function strategyFor(client: ReturnType<AlipaySimulator['createMacaoClient']>, extra: Record<string, unknown> = {}) {
    return new AlipayMacaoStrategy({ ...client, ...extra } as never, (_a: string, _r: string, params: any, profile: any, done: any) =>
      done(null, { profile, params }),
    );
  }
  const login = (s: AlipayMacaoStrategy, code: string) => run(s, post({ authCode: code }));

  it('signs a user in with authSiteUserId', async () => {
    const client = sim.createMacaoClient();
    const out = expectAction(await login(strategyFor(client), sim.mintMacaoAuthCode(client.clientId, '2088102000000001')), 'success');
    expect((out.user as any).profile).to.include({ provider: 'alipay-macao', id: '2182123456120001' });
    expect((out.user as any).params.expires_in).to.be.within(1_295_990, 1_296_000);
  });

  it('adds the mobile number through getUserInfo', async () => {
    const client = sim.createMacaoClient();
    const s = strategyFor(client, { skipUserProfile: false });
    const out = expectAction(await login(s, sim.mintMacaoAuthCode(client.clientId, '2088102000000002')), 'success');
    expect((out.user as any).profile.mobileNo).to.equal('853-66120002');
  });

  it('answers AUTH_CODE_INVALID to a reused authCode', async () => {
    const client = sim.createMacaoClient();
    const code = sim.mintMacaoAuthCode(client.clientId, '2088102000000001');
    expectAction(await login(strategyFor(client), code), 'success');
    const { err } = expectAction(await login(strategyFor(client), code), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultCode: 'AUTH_CODE_INVALID', resultStatus: 'F' });
  });

  it('answers INVALID_SIGNATURE to a request signed with the wrong key', async () => {
    const client = sim.createMacaoClient();
    const s = strategyFor({ ...client, privateKey: keys.otherPrivate });
    const { err } = expectAction(await login(s, sim.mintMacaoAuthCode(client.clientId, '2088102000000001')), 'error');
    expect(err).to.include({ resultCode: 'INVALID_SIGNATURE' });
  });

  it('answers UNKNOWN_CLIENT to an unregistered clientId', async () => {
    const client = sim.createMacaoClient();
    const { err } = expectAction(await login(strategyFor({ ...client, clientId: 'NOSUCHCLIENT' }), 'abc'), 'error');
    expect(err).to.include({ resultCode: 'UNKNOWN_CLIENT' });
  });

  it('answers PARAM_ILLEGAL to a wrong authMerchantId', async () => {
    const client = sim.createMacaoClient();
    const s = strategyFor({ ...client, authMerchantId: '2182000000000000' });
    const { err } = expectAction(await login(s, sim.mintMacaoAuthCode(client.clientId, '2088102000000001')), 'error');
    expect(err).to.include({ resultCode: 'PARAM_ILLEGAL' });
  });

  it('rotates refresh tokens and answers REFRESH_TOKEN_INVALID to a used one', async () => {
    const client = sim.createMacaoClient();
    const s = strategyFor(client);
    const out = expectAction(await login(s, sim.mintMacaoAuthCode(client.clientId, '2088102000000001')), 'success');
    const rt = (out.user as any).params.refresh_token;
    expect((await s.refresh(rt)).refreshToken).not.to.equal(rt);
    try {
      await s.refresh(rt);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.include({ resultCode: 'REFRESH_TOKEN_INVALID' });
    }
  });

  it('grant page sends the authCode back to the calling page on Agree', async () => {
    const client = sim.createMacaoClient({ name: 'Macao Shop' });
    const html = await (await fetch(sim.macaoGrantURL(client.clientId, 'http://localhost:3000/macao'))).text();
    expect(html).to.include('Macao Shop').and.include('id="agree"');
    const res = await fetch(`${sim.url}/macao/consent`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ clientId: client.clientId, scopes: 'auth_base', redirect_uri: 'http://localhost:3000/macao', user: '2088102000000003', decision: 'agree' }),
    });
    const code = new URL(res.headers.get('location') as string).searchParams.get('authCode') as string;
    const out = expectAction(await login(strategyFor(client), code), 'success');
    expect((out.user as any).profile.id).to.equal('2182123456120003');
  });

  it('grant page refuses a return address outside the client domains', async () => {
    const client = sim.createMacaoClient();
    const res = await fetch(sim.macaoGrantURL(client.clientId, 'https://evil.example.com/'));
    expect(res.status).to.equal(400);
  });
});
