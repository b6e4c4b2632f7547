/**
 * `npm run bench`: what a login costs the app server, on this machine, in one run.
 * Prints a markdown table and writes bench/results.json.
 */
import { execFileSync, fork, type ChildProcess } from 'child_process';
import * as http from 'http';
import * as crypto from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { benchMessageId } from './message-id';

// The built package, as users get it (npm run bench builds it first). The benchmark itself runs
// compiled, not under ts-node, which loads the `domain` module and slows every EventEmitter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('passport-alipay') as typeof import('../lib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AlipaySdk } = require('alipay-sdk') as { AlipaySdk: new (config: Record<string, unknown>) => any };

// JIT, TLS-free socket reuse and OpenSSL caches settle after about two thousand calls.
const WARMUP = 2000;
const SERIES = 1000; // logins per measured series
/** Concurrency-1 series per contender, interleaved; the one with the median CPU is reported. */
const REPEATS = 3;
const MEMORY_LOGINS = 20_000;
const FLOOR_ITERATIONS = 3000;
const MACAO_LOGINS = WARMUP + SERIES * (REPEATS + 1);

interface SeriesResult {
  concurrency: number;
  logins: number;
  cpuUsPerLogin: number;
  p50Ms: number;
  p99Ms: number;
  loginsPerSecond: number;
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function series(login: () => Promise<void>, logins: number, concurrency: number): Promise<SeriesResult> {
  const latencies: number[] = [];
  let started = 0;
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (started < logins) {
      started++;
      const t = process.hrtime.bigint();
      await login();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuUs = cpuMicros(cpu);
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    logins,
    cpuUsPerLogin: cpuUs / logins,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    loginsPerSecond: (logins / wallMs) * 1000,
  };
}

/** One RSA-2048 SHA-256 signature plus one verification with pre-parsed keys: the unavoidable work. */
function cryptoFloor(app: crypto.KeyPairKeyObjectResult, alipay: crypto.KeyPairKeyObjectResult): number {
  const content = Buffer.from(
    'app_id=2021000000000001&charset=utf-8&code=4b203fe6c11548bcabd8da5bb087a83b&format=JSON&grant_type=authorization_code' +
      '&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2024-05-13 17:49:20&version=1.0',
  );
  const node = Buffer.from('{"access_token":"authusrB4a9f0c2d1e8b7a6AT","expires_in":1296000,"user_id":"2088102000000001"}');
  const nodeSig = crypto.sign('sha256', node, alipay.privateKey);
  for (let i = 0; i < 200; i++) crypto.verify('sha256', node, alipay.publicKey, crypto.sign('sha256', content, app.privateKey) && nodeSig);
  const cpu = process.cpuUsage();
  for (let i = 0; i < FLOOR_ITERATIONS; i++) {
    crypto.sign('sha256', content, app.privateKey);
    crypto.verify('sha256', node, alipay.publicKey, nodeSig);
  }
  return cpuMicros(cpu) / FLOOR_ITERATIONS;
}

/** One keep-alive POST with Node's own http.request and nothing else: the transport's unavoidable cost. */
function rawPost(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

function pem(pair: crypto.KeyPairKeyObjectResult) {
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** A callback request as Express would hand it to passport, with the CSRF state in the session. */
function callbackRequest(query: Record<string, string>, sessionKey?: string) {
  return {
    method: query.authCode ? 'POST' : 'GET',
    url: '/auth/callback',
    headers: query.authCode ? { host: 'localhost', 'content-type': 'application/json' } : { host: 'localhost' },
    connection: {},
    query,
    body: query.authCode ? { authCode: query.authCode } : {},
    session: sessionKey ? { [sessionKey]: { state: query.state } } : {},
  };
}

/** Runs `strategy.authenticate(req)` the way passport does: on a per-request object with actions. */
function authenticateOnce(strategy: object, req: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = Object.create(strategy);
    s.success = () => resolve();
    s.fail = (challenge: unknown) => reject(new Error(`fail: ${JSON.stringify(challenge)}`));
    s.error = reject;
    s.redirect = () => reject(new Error('redirect'));
    s.authenticate(req, {});
  });
}

function coldStart(moduleId: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const out = execFileSync(process.execPath, [
      '-e',
      `const t=process.hrtime.bigint();require(${JSON.stringify(moduleId)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
    ]);
    runs.push(Number(out.toString()));
  }
  return runs.sort((a, b) => a - b)[3];
}

function startGateway(alipayPrivateKey: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(__dirname, 'gateway.js'), [], {
    env: { ...process.env, BENCH_ALIPAY_PRIVATE_KEY: alipayPrivateKey, BENCH_MACAO_IDS: String(MACAO_LOGINS) },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

interface Contender {
  name: string;
  login: () => Promise<void>;
}

/**
 * Warms every contender up first, then interleaves their concurrency-1 series, so that none is
 * favoured by running later (JIT, caches, GC state); then one concurrency-16 series each.
 */
async function measureAll(contenders: Contender[]) {
  for (const c of contenders) for (let i = 0; i < WARMUP; i++) await c.login();
  const reps: SeriesResult[][] = contenders.map(() => []);
  for (let r = 0; r < REPEATS; r++) {
    for (const [i, c] of contenders.entries()) reps[i].push(await series(c.login, SERIES, 1));
  }
  const rows = [];
  for (const [i, c] of contenders.entries()) {
    const c1 = [...reps[i]].sort((a, b) => a.cpuUsPerLogin - b.cpuUsPerLogin)[Math.floor(REPEATS / 2)];
    rows.push({ name: c.name, c1, c16: await series(c.login, SERIES, 16) });
  }
  return rows;
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  const appPair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alipayPair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = pem(appPair);
  const alipay = pem(alipayPair);
  const { child, port } = await startGateway(alipay.privateKey);
  const base = `http://127.0.0.1:${port}`;
  try {
    const floorUs = cryptoFloor(appPair, alipayPair);

    const mainland = new pkg.AlipayStrategy(
      { appId: '2021000000000001', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, callbackURL: 'http://localhost/cb', gatewayURL: `${base}/gateway.do` },
      (_at, _rt, profile, done) => done(null, { id: profile.id }),
    );
    const mainlandLogin = () =>
      authenticateOnce(mainland, callbackRequest({ auth_code: '4b203fe6c11548bcabd8da5bb087a83b', state: 'bench-state' }, 'oauth2:openauth.alipay.com'));

    let nextId = 0;
    let inMacaoLogin = false;
    // The Macao client takes reqMsgIds from crypto.randomUUID; during a Macao login the benchmark
    // substitutes the sequence the gateway precomputed answers for (other code keeps real UUIDs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cryptoModule = require('crypto') as { randomUUID: () => string };
    const realRandomUUID = cryptoModule.randomUUID;
    cryptoModule.randomUUID = () => (inMacaoLogin ? benchMessageId(nextId++) : realRandomUUID());
    const macao = new pkg.AlipayMacaoStrategy(
      { clientId: 'BENCHCLIENT', authMerchantId: '2182400000001037', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, gatewayURL: base },
      (_at, _rt, profile, done) => done(null, { id: profile.id }),
    );
    const macaoLogin = () => {
      // The request, reqMsgId included, is built synchronously inside authenticate().
      inMacaoLogin = true;
      const done = authenticateOnce(macao, callbackRequest({ authCode: '0000000001a2b3c4d5e6f7a8b9c0d1e2f' }));
      inMacaoLogin = false;
      return done;
    };

    const sdk = new AlipaySdk({
      appId: '2021000000000001',
      privateKey: app.privateKey,
      alipayPublicKey: alipay.publicKey,
      keyType: 'PKCS8',
      gateway: `${base}/gateway.do`,
      timeout: 5000,
    });
    const sdkLogin = async () => {
      const result = await sdk.exec(
        'alipay.system.oauth.token',
        { grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b' },
        { validateSign: true },
      );
      if (!result.userId) throw new Error(`alipay-sdk: unexpected result ${JSON.stringify(result)}`);
    };

    const [httpFloor, ...rows] = await measureAll([
      {
        name: 'HTTP floor: one keep-alive POST with http.request, no crypto',
        login: () => rawPost(`${base}/gateway.do?app_id=2021000000000001`, 'grant_type=authorization_code&code=4b203fe6c11548bcabd8da5bb087a83b'),
      },
      { name: 'passport-alipay, mainland (AlipayStrategy)', login: mainlandLogin },
      { name: 'passport-alipay, Macao applyToken (AlipayMacaoStrategy)', login: macaoLogin },
      { name: 'alipay-sdk 4.14 exec(alipay.system.oauth.token, validateSign)', login: sdkLogin },
    ]);

    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await series(mainlandLogin, MEMORY_LOGINS, 16);
    gc();
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    const cold = {
      passportAlipayMs: coldStart(require.resolve('passport-alipay')),
      alipaySdkMs: coldStart(require.resolve('alipay-sdk')),
    };

    const [pMain, pMacao, sdkRow] = rows;
    const results = {
      machine: { node: process.version, cpus: require('os').cpus()[0]?.model ?? 'unknown', cores: require('os').cpus().length },
      cryptoFloorUsPerLogin: floorUs,
      rows,
      httpFloor,
      ratios: {
        mainlandCpuOverFloor: pMain.c1.cpuUsPerLogin / floorUs,
        mainlandCpuOverCryptoPlusHttpFloor: pMain.c1.cpuUsPerLogin / (floorUs + httpFloor.c1.cpuUsPerLogin),
        macaoCpuOverFloor: pMacao.c1.cpuUsPerLogin / floorUs,
        alipaySdkCpuOverMainlandCpu: sdkRow.c1.cpuUsPerLogin / pMain.c1.cpuUsPerLogin,
      },
      memory: {
        logins: MEMORY_LOGINS,
        heapUsedBeforeMiB: heapBefore / 2 ** 20,
        heapUsedAfterMiB: heapAfter / 2 ** 20,
        growthPercent: ((heapAfter - heapBefore) / heapBefore) * 100,
      },
      coldStart: cold,
    };
    writeFileSync(join(process.cwd(), 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');

    const f = (n: number, d = 0) => n.toFixed(d);
    const lines = [
      `Node ${results.machine.node}, ${results.machine.cores} × ${results.machine.cpus}; gateway in a separate process on 127.0.0.1; ` +
        `${WARMUP} warm-up logins each, then ${REPEATS} interleaved series of ${SERIES} at c=1 (median CPU shown) and one of ${SERIES} at c=16.`,
      '',
      '| | client CPU µs/login | p50 ms (c=1) | p99 ms (c=1) | logins/s c=1 | logins/s c=16 | p99 ms (c=16) |',
      '|---|---:|---:|---:|---:|---:|---:|',
      `| crypto floor: 1 RSA-2048 sign + 1 verify, parsed keys | ${f(floorUs)} | | | | | |`,
      ...[httpFloor, ...rows].map(
        (r) =>
          `| ${r.name} | ${f(r.c1.cpuUsPerLogin)} | ${f(r.c1.p50Ms, 2)} | ${f(r.c1.p99Ms, 2)} | ${f(r.c1.loginsPerSecond)} | ${f(r.c16.loginsPerSecond)} | ${f(r.c16.p99Ms, 2)} |`,
      ),
      '',
      `- mainland CPU ÷ crypto floor: **${f(results.ratios.mainlandCpuOverFloor, 2)}×** (target ≤ 1.5×)`,
      `- mainland CPU ÷ (crypto floor + HTTP floor): **${f(results.ratios.mainlandCpuOverCryptoPlusHttpFloor, 2)}×**`,
      `- Macao CPU ÷ crypto floor: **${f(results.ratios.macaoCpuOverFloor, 2)}×**`,
      `- alipay-sdk CPU ÷ passport-alipay mainland CPU: **${f(results.ratios.alipaySdkCpuOverMainlandCpu, 2)}×** (target ≥ 2×)`,
      `- heap used after GC: ${f(results.memory.heapUsedBeforeMiB, 1)} MiB before, ${f(results.memory.heapUsedAfterMiB, 1)} MiB after ${MEMORY_LOGINS} mainland logins: **${f(results.memory.growthPercent, 1)}%** (target < 5%)`,
      `- cold start, require() in a fresh process (median of 7): passport-alipay ${f(cold.passportAlipayMs, 1)} ms, alipay-sdk ${f(cold.alipaySdkMs, 1)} ms`,
    ];
    console.log(lines.join('\n'));
  } finally {
    child.kill();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
