/**
 * The demo's request deadline against a slow and a hanging Alipay gateway: the visitor gets a 503
 * at the deadline, the login that finishes later is dropped (logged once, never a second response),
 * and the process goes on serving. Before the fix the late login wrote again: ERR_HTTP_HEADERS_SENT,
 * uncaught, and the process exited.
 */
import { expect } from 'chai';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { startDemo, type RunningDemo } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';

const DEADLINE_MS = 1000;

describe('system: the demo past its request deadline', function () {
  this.timeout(30_000);
  let sim: AlipaySimulator;
  let demo: RunningDemo;
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);

  before(async () => {
    sim = await createAlipaySimulator();
    demo = await startDemo({ mainland: sim.createApp(), macao: sim.createMacaoClient(), loginRateLimit: 0, requestDeadlineMs: DEADLINE_MS });
    process.on('uncaughtException', record);
  });
  after(async () => {
    process.off('uncaughtException', record);
    await demo?.stop();
    await sim?.close();
  });

  async function until(condition: () => boolean, ms: number): Promise<void> {
    const started = Date.now();
    while (!condition() && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 50));
  }

  /** Runs a login whose gateway call meets `delayMs`; returns the callback's status and the late log lines. */
  async function loginThroughSlowGateway(delayMs: number, waitForLateMs: number): Promise<{ status: number; late: string[] }> {
    const client = new BrowserlessClient();
    const callback = await client.consent(demo.url, '2088102000000001');
    const from = demo.logged.length;
    sim.injectFault({ kind: 'slow', delayMs });
    const res = await client.request(callback);
    await res.arrayBuffer();
    const late = () => demo.logged.slice(from).filter((l) => l.includes('[late result dropped]'));
    await until(() => late().length > 0, waitForLateMs);
    // Whatever else the late login does (its error page, its session) has happened by now too.
    await new Promise((r) => setTimeout(r, 200));
    return { status: res.status, late: late() };
  }

  it('answers 503 at the deadline to a login whose gateway answers late, and drops the late success once', async () => {
    const { status, late } = await loginThroughSlowGateway(DEADLINE_MS + 1500, 10_000);
    expect(status).to.equal(503);
    expect(late).to.have.length(1);
    expect(late[0]).to.include('GET /auth/alipay/callback');
    expect(uncaught).to.deep.equal([]);
  });

  it('answers 503 at the deadline to a login whose gateway hangs, and drops the strategy\'s own timeout error once', async () => {
    // The gateway never answers; the strategy gives up after its 5 s limit, long after the deadline.
    const { status, late } = await loginThroughSlowGateway(600_000, 15_000);
    expect(status).to.equal(503);
    expect(late).to.have.length(1);
    expect(uncaught).to.deep.equal([]);
  });

  it('goes on serving after late results: the next visitor signs in', async () => {
    await new BrowserlessClient().login(demo.url, '2088102000000002');
    expect(uncaught).to.deep.equal([]);
  });
});
