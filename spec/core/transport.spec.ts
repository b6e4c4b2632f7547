/** Both transports: Node's http/https.request (default) and an injected fetch (node-fetch, global fetch). */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import nodeFetch from 'node-fetch';
import { join } from 'path';
import { AlipayMacaoStrategy, AlipayStrategy } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, nockToken, node, strategy } from '../helpers/alipay';
import { APPLY_TOKEN_PATH, MACAO_CODE, macaoStrategy, nockMacao, post } from '../helpers/macao';

const keepProfile = (_a: string, _r: string, p: any, done: any) => done(null, p);

describe('transport: an injected fetch', () => {
  it('exchanges the code through node-fetch, intercepted by nock like http.request', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(strategy({ fetch: nodeFetch as never }), callback({ auth_code: AUTH_CODE })), 'success');
    expect(captured[0].body.get('code')).to.equal(AUTH_CODE);
  });

  it('exchanges a Macao code through node-fetch, intercepted by nock', async () => {
    const { captured } = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy({ fetch: nodeFetch as never }), post({ authCode: MACAO_CODE })), 'success');
    expect(captured).to.have.length(1);
  });

  describe('against the simulator', () => {
    let sim: AlipaySimulator;
    before(async () => {
      sim = await createAlipaySimulator();
    });
    after(() => sim.close());

    it("signs a mainland user in with Node's global fetch (undici)", async () => {
      const app = sim.createApp();
      const s = new AlipayStrategy({ ...app, callbackURL: 'http://localhost/cb', state: false, fetch: globalThis.fetch as never }, keepProfile);
      const out = await run(s, (req) => (req.query = { auth_code: sim.mintAuthCode(app.appId, '2088102000000001') }));
      expect(expectAction(out, 'success').user).to.include({ id: '2088102000000001' });
    });

    it("signs a Macao user in with Node's global fetch (undici)", async () => {
      const client = sim.createMacaoClient();
      const s = new AlipayMacaoStrategy({ ...client, fetch: globalThis.fetch as never }, keepProfile);
      const out = await run(s, post({ authCode: sim.mintMacaoAuthCode(client.clientId, '2088102000000001') }));
      expect(expectAction(out, 'success').user).to.include({ id: '2182123456120001' });
    });
  });
});

describe('transport: the default', () => {
  it('does not load node-fetch unless it is passed', () => {
    const script = `require(${JSON.stringify(join(__dirname, '..', '..', 'dist'))});` +
      "process.stdout.write(String(Object.keys(require.cache).some((p) => p.includes('node-fetch'))))";
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).to.equal('false');
  });
});
