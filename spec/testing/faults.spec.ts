import { expect } from 'chai';
import { AlipayMacaoAPIError, AlipayMacaoStrategy, AlipaySignatureError, AlipayStrategy, AlipayTransportError } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator, type FaultKind } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';

const TIMEOUT = 300;

describe('simulator faults reach the strategies as documented errors', () => {
  let sim: AlipaySimulator;
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(() => sim.close());

  function mainlandLogin() {
    const app = sim.createApp();
    const s = new AlipayStrategy({ ...app, callbackURL: 'http://localhost/cb', state: false, timeout: TIMEOUT } as never, (_a: string, _r: string, p: any, done: any) =>
      done(null, p),
    );
    const code = sim.mintAuthCode(app.appId, '2088102000000001');
    return run(s, (req) => (req.query = { auth_code: code }));
  }

  function macaoLogin() {
    const client = sim.createMacaoClient();
    const s = new AlipayMacaoStrategy({ ...client, timeout: TIMEOUT } as never, (_a: string, _r: string, p: any, done: any) => done(null, p));
    const code = sim.mintMacaoAuthCode(client.clientId, '2088102000000001');
    return run(s, (req) => (req.body = { authCode: code }));
  }

  const cases: Array<[FaultKind, new (...a: any[]) => Error, string]> = [
    ['slow', AlipayTransportError, 'ALIPAY_TIMEOUT'],
    ['reset', AlipayTransportError, 'ALIPAY_NETWORK_ERROR'],
    ['http502', AlipayTransportError, 'ALIPAY_HTTP_STATUS'],
    ['truncated', AlipayTransportError, 'ALIPAY_INVALID_RESPONSE'],
    ['huge', AlipayTransportError, 'ALIPAY_RESPONSE_TOO_LARGE'],
    ['tampered', AlipaySignatureError, 'ALIPAY_SIGNATURE_INVALID'],
    ['unsigned', AlipaySignatureError, 'ALIPAY_SIGNATURE_MISSING'],
  ];

  for (const [fault, type, code] of cases) {
    it(`mainland: ${fault} gives ${type.name} ${code} with one gateway call`, async () => {
      sim.injectFault(fault);
      const before = sim.calls.length;
      const started = Date.now();
      const { err } = expectAction(await mainlandLogin(), 'error');
      expect(err).to.be.instanceOf(type).and.include({ code });
      expect(Date.now() - started).to.be.below(TIMEOUT + 1000);
      expect(sim.calls.length - before).to.equal(1);
    });

    it(`Macao: ${fault} gives ${type.name} ${code} with one call`, async () => {
      sim.injectFault(fault);
      const before = sim.calls.length;
      const { err } = expectAction(await macaoLogin(), 'error');
      expect(err).to.be.instanceOf(type).and.include({ code });
      expect(sim.calls.length - before).to.equal(1);
    });
  }

  it('Macao: unknown-result gives a retryable AlipayMacaoAPIError U', async () => {
    sim.injectFault('unknown-result');
    const { err } = expectAction(await macaoLogin(), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultStatus: 'U', retryable: true });
  });

  it('a fault applies to the given number of calls only', async () => {
    sim.injectFault('http502', 2);
    expectAction(await mainlandLogin(), 'error');
    expectAction(await mainlandLogin(), 'error');
    expectAction(await mainlandLogin(), 'success');
  });
});
