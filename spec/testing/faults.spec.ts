import { expect } from 'chai';
import * as http from 'http';
import nodeFetch from 'node-fetch';
import { AlipayMacaoAPIError, AlipayMacaoStrategy, AlipaySignatureError, AlipayStrategy, AlipayTransportError } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator, type FaultKind } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { post } from '../helpers/macao';
import { certs, keys } from '../helpers/fixtures';
import { certificateSn, loadCertificate } from '../../lib/alipay/cert-sn';

/**
 * The client's limit when the fault under test is the timeout: the simulator then holds its answer
 * for 10 s, so the limit fires whatever the machine's load. Every other fault gets a limit far above
 * anything it needs, so a busy machine cannot turn it into a timeout.
 */
const TIMEOUT = 300;
const GENEROUS = 20_000;
/** The 'slow' answer comes after 10 s; a failure well before that came from the client's own limit. */
const WELL_BEFORE_THE_ANSWER_MS = 5000;

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Waits for sockets closed by a failed exchange to be released; returns how many remain open. */
async function socketsAfterSettling(baseline: number): Promise<number> {
  for (let i = 0; i < 50 && openSockets() > baseline; i++) await new Promise((r) => setTimeout(r, 20));
  return openSockets();
}

/** Every fault must hold on both transports: Node's http.request (the default) and an injected fetch. */
const TRANSPORTS = [
  ['http.request', undefined],
  ['node-fetch', nodeFetch],
] as const;

for (const [transport, fetch] of TRANSPORTS)
describe(`simulator faults reach the strategies as documented errors (${transport})`, () => {
  let sim: AlipaySimulator;
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(() => sim.close());

  // Without keep-alive every socket the exchange opened must be gone once it has failed.
  const agent = new http.Agent({ keepAlive: false });

  /** Prepares a login (keys, app, code) and returns the function that runs it. */
  function mainlandLogin(timeout = GENEROUS) {
    const app = sim.createApp();
    const s = new AlipayStrategy({ ...app, callbackURL: 'http://localhost/cb', state: false, timeout, agent, fetch } as never, (_a: string, _r: string, p: any, done: any) =>
      done(null, p),
    );
    const code = sim.mintAuthCode(app.appId, '2088102000000001');
    return () => run(s, (req) => (req.query = { auth_code: code }));
  }

  /** Prepares a login (keys, app, code) and returns the function that runs it. */
  function macaoLogin(timeout = GENEROUS) {
    const client = sim.createMacaoClient();
    const s = new AlipayMacaoStrategy({ ...client, timeout, agent, fetch } as never, (_a: string, _r: string, p: any, done: any) => done(null, p));
    const code = sim.mintMacaoAuthCode(client.clientId, '2088102000000001');
    return () => run(s, post({ authCode: code }));
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
    for (const [protocol, login] of [
      ['mainland', mainlandLogin],
      ['Macao', macaoLogin],
    ] as const) {
      it(`${protocol}: ${fault} gives ${type.name} ${code}, with one call and no socket left open`, async function () {
        this.timeout(GENEROUS + 10_000);
        const attempt = login(fault === 'slow' ? TIMEOUT : GENEROUS);
        const sockets = openSockets();
        const before = sim.calls.length;
        sim.injectFault(fault);
        const started = Date.now();
        const { err } = expectAction(await attempt(), 'error');
        expect(err).to.be.instanceOf(type).and.include({ code });
        if (fault === 'slow') expect(Date.now() - started).to.be.below(WELL_BEFORE_THE_ANSWER_MS);
        expect(sim.calls.length - before).to.equal(1);
        expect(await socketsAfterSettling(sockets)).to.be.at.most(sockets);
      });
    }
  }

  it('Macao: unknown-result gives a retryable AlipayMacaoAPIError U, with one call and no socket left open', async () => {
    const attempt = macaoLogin();
    const sockets = openSockets();
    const before = sim.calls.length;
    sim.injectFault('unknown-result');
    const { err } = expectAction(await attempt(), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultStatus: 'U', retryable: true });
    expect(sim.calls.length - before).to.equal(1);
    expect(await socketsAfterSettling(sockets)).to.be.at.most(sockets);
  });

  it('a fault applies to the given number of calls only', async () => {
    sim.injectFault('http502', 2);
    expectAction(await mainlandLogin()(), 'error');
    expectAction(await mainlandLogin()(), 'error');
    expectAction(await mainlandLogin()(), 'success');
  });
});

describe('simulator faults in certificate mode', () => {
  let sim: AlipaySimulator;
  before(async () => {
    // The simulator signs with the key of the fixture Alipay certificate and announces its SN.
    sim = await createAlipaySimulator({ alipayPrivateKey: keys.alipayPrivate, alipayCertSn: certificateSn(loadCertificate(certs.alipay, 'cert')) });
  });
  after(() => sim.close());

  function certModeLogin() {
    const app = sim.createApp({ publicKey: keys.appPublic });
    const s = new AlipayStrategy(
      { appId: app.appId, privateKey: keys.appPrivatePkcs8, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle,
        gatewayURL: app.gatewayURL, callbackURL: 'http://localhost/cb', state: false } as never,
      (_a: string, _r: string, p: any, done: any) => done(null, p),
    );
    const code = sim.mintAuthCode(app.appId, '2088102000000001');
    return run(s, (req) => (req.query = { auth_code: code }));
  }

  it('logs in when alipay_cert_sn matches the configured certificate', async () => {
    expectAction(await certModeLogin(), 'success');
  });

  it('refuses a response carrying the SN of another certificate, with one call', async () => {
    sim.injectFault('wrong-cert-sn');
    const before = sim.calls.length;
    const { err } = expectAction(await certModeLogin(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_CERT_SN_MISMATCH' });
    expect(sim.calls.length - before).to.equal(1);
  });
});
