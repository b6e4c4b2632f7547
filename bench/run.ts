/**
 * `npm run bench`: what a login costs the app server, on this machine, in one run. The gateway runs
 * in its own process (bench/gateway.ts) and answers with precomputed, correctly signed bodies.
 * Reports the steady state (after warm-up, interleaved series; never a gc() between CPU series),
 * the warm-up window of fresh processes, throughput at 16 in flight, heap per in-flight login, heap
 * growth over 20,000 logins and cold start. Prints markdown and writes bench/results.json.
 */
import { execFileSync, fork, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import { writeFileSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { CONTENDER_IDS, cpuMicros, createContender, FLOOR_SIGN_CONTENT, mainlandLogin, type BenchKeys, type Contender, type ContenderId } from './contenders';
import { TOKEN_NODE } from './fixtures';
import { WARMUP_WINDOW } from './warmup';

const WARMUP = 2000; // logins before the steady-state series: JIT, socket reuse and OpenSSL caches settle
const SERIES = 1000; // logins per measured series
const REPEATS = 5; // concurrency-1 series per contender, interleaved; the median CPU is reported
const WARMUP_PROCESSES = 3; // fresh processes per contender for the warm-up window; the median is reported
const MEMORY_LOGINS = 20_000;
/** Below the global agent's 256 pooled free sockets, so in-flight logins reuse sockets from the pool. */
const IN_FLIGHT = 200;
const MACAO_LOGINS = WARMUP + SERIES * (REPEATS + 1);

const TARGETS = { steadyOverFloor: 1.3, sdkOverMainland: 2.3, warmupOverFloorWarmup: 1.5, coldRequireMs: 25, inFlightKiB: 11, heapGrowthPercent: 5 };

/** A contender, or the crypto-only loop (no warm-up window, no c=16 series). */
type Measured = Omit<Contender, 'id'> & { id: string; cryptoOnly?: true };

interface SeriesResult {
  concurrency: number;
  logins: number;
  cpuUsPerLogin: number;
  p50Ms: number;
  p99Ms: number;
  loginsPerSecond: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

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
  return { concurrency, logins, cpuUsPerLogin: cpuUs / logins, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), loginsPerSecond: (logins / wallMs) * 1000 };
}

/**
 * One RSA-2048 SHA-256 signature plus one verification with pre-parsed keys and nothing else: the
 * crypto share of the floor. Measured as a contender, interleaved with the others (a shared VM's
 * speed drifts; a figure measured apart from the others is not comparable).
 */
function cryptoOnly(keys: BenchKeys, alipayPrivateKey: string): Measured {
  const appKey = crypto.createPrivateKey(keys.appPrivateKey);
  const alipayKey = crypto.createPublicKey(keys.alipayPublicKey);
  const node = Buffer.from(TOKEN_NODE);
  const nodeSig = crypto.sign('sha256', node, alipayPrivateKey);
  return {
    id: 'crypto',
    name: 'crypto only: 1 RSA-2048 sign + 1 verify, parsed keys',
    cryptoOnly: true,
    login: async () => {
      crypto.sign('sha256', FLOOR_SIGN_CONTENT, appKey);
      crypto.verify('sha256', node, alipayKey, nodeSig);
    },
  };
}

function coldStart(moduleId: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const out = execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(moduleId)});console.log(Number(process.hrtime.bigint()-t)/1e6)`]);
    runs.push(Number(out.toString()));
  }
  return median(runs);
}

function startGateway(alipayPrivateKey: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(__dirname, 'gateway.js'), [], { env: { ...process.env, BENCH_ALIPAY_PRIVATE_KEY: alipayPrivateKey, BENCH_MACAO_IDS: String(MACAO_LOGINS) } });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

/** CPU per login over the first WARMUP_WINDOW logins of a fresh process (median of several). */
async function warmupWindow(id: ContenderId, keys: BenchKeys, base: string): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < WARMUP_PROCESSES; i++) {
    const child = fork(join(__dirname, 'warmup.js'), [id], {
      env: { ...process.env, BENCH_APP_PRIVATE_KEY: keys.appPrivateKey, BENCH_ALIPAY_PUBLIC_KEY: keys.alipayPublicKey, BENCH_BASE: base },
    });
    runs.push(
      await new Promise<number>((resolve, reject) => {
        child.once('message', (m: { cpuUsPerLogin: number }) => resolve(m.cpuUsPerLogin));
        child.once('exit', (code) => (code ? reject(new Error(`warm-up process for ${id} exited with ${code}`)) : undefined));
      }),
    );
    child.kill();
  }
  return median(runs);
}

/**
 * Warms every contender up first, then interleaves their concurrency-1 series, so that none is
 * favoured by running later (JIT, caches, GC state); then one concurrency-16 series each.
 */
async function steadyState(contenders: Measured[]) {
  for (const c of contenders) for (let i = 0; i < WARMUP; i++) await c.login();
  const reps: SeriesResult[][] = contenders.map(() => []);
  for (let r = 0; r < REPEATS; r++) for (const [i, c] of contenders.entries()) reps[i].push(await series(c.login, SERIES, 1));
  const rows = [];
  for (const [i, c] of contenders.entries()) {
    const c1 = [...reps[i]].sort((a, b) => a.cpuUsPerLogin - b.cpuUsPerLogin)[Math.floor(REPEATS / 2)];
    rows.push({ id: c.id, name: c.name, c1, c16: c.cryptoOnly ? undefined : await series(c.login, SERIES, 16) });
  }
  return rows;
}

/** Heap held per mainland login waiting for the gateway: IN_FLIGHT logins held at once. */
async function heapPerInFlightLogin(keys: BenchKeys, base: string, gateway: ChildProcess, gc: () => void): Promise<number> {
  const login = mainlandLogin(keys, `${base}/hold/gateway.do`);
  const round = async (measure: boolean) => {
    const held = new Promise<void>((resolve) => gateway.once('message', () => resolve()));
    gateway.send({ hold: IN_FLIGHT });
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    const logins = Array.from({ length: IN_FLIGHT }, login);
    await held;
    gc();
    gc();
    const during = process.memoryUsage().heapUsed;
    gateway.send({ release: true });
    await Promise.all(logins);
    return measure ? (during - before) / IN_FLIGHT / 1024 : 0;
  };
  await round(false); // fills the socket pool and compiles the path
  return round(true);
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  const pair = () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string };
  };
  const app = pair();
  const alipay = pair();
  const keys: BenchKeys = { appPrivateKey: app.privateKey, alipayPublicKey: alipay.publicKey };
  const { child: gateway, port } = await startGateway(alipay.privateKey);
  const base = `http://127.0.0.1:${port}`;
  try {
    const warmup: Record<string, number> = {};
    for (const id of CONTENDER_IDS) warmup[id] = await warmupWindow(id, keys, base);

    const contenders = CONTENDER_IDS.map((id) => createContender(id, keys, base));
    const [cryptoRow, ...rows] = await steadyState([cryptoOnly(keys, alipay.privateKey), ...contenders]);
    const cryptoUs = cryptoRow.c1.cpuUsPerLogin;
    const row = (id: ContenderId) => rows.find((r) => r.id === id)!;

    const inFlightKiB = await heapPerInFlightLogin(keys, base, gateway, gc);

    const mainland = contenders.find((c) => c.id === 'mainland')!.login;
    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await series(mainland, MEMORY_LOGINS, 16);
    gc();
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    const cold = { passportAlipayMs: coldStart(require.resolve('passport-alipay')), alipaySdkMs: coldStart(require.resolve('alipay-sdk')) };

    const floor = row('floor').c1.cpuUsPerLogin;
    const ratios = {
      mainlandOverFloor: row('mainland').c1.cpuUsPerLogin / floor,
      macaoOverFloor: row('macao').c1.cpuUsPerLogin / floor,
      alipaySdkOverMainland: row('sdk').c1.cpuUsPerLogin / row('mainland').c1.cpuUsPerLogin,
      mainlandWarmupOverFloorWarmup: warmup.mainland / warmup.floor,
      macaoWarmupOverFloorWarmup: warmup.macao / warmup.floor,
    };
    const growthPercent = ((heapAfter - heapBefore) / heapBefore) * 100;
    const results = {
      machine: { node: process.version, cpus: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
      cryptoOnlyUsPerLogin: cryptoUs,
      warmupWindow: { logins: WARMUP_WINDOW, cpuUsPerLogin: warmup },
      rows,
      ratios,
      memory: { inFlightLogins: IN_FLIGHT, heapPerInFlightLoginKiB: inFlightKiB, logins: MEMORY_LOGINS, heapUsedBeforeMiB: heapBefore / 2 ** 20, heapUsedAfterMiB: heapAfter / 2 ** 20, growthPercent },
      coldStart: cold,
      targets: TARGETS,
    };
    writeFileSync(join(process.cwd(), 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');

    const f = (n: number, d = 0) => n.toFixed(d);
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
    console.log(
      [
        `Node ${results.machine.node}, ${results.machine.cores} × ${results.machine.cpus}; gateway in a separate process on 127.0.0.1. ` +
          `Steady state: ${WARMUP} warm-up logins each, then ${REPEATS} interleaved series of ${SERIES} at c=1 (median CPU) and one of ${SERIES} at c=16. ` +
          `Warm-up window: the first ${WARMUP_WINDOW} logins of a fresh process (median of ${WARMUP_PROCESSES} processes).`,
        '',
        '| | CPU µs/login, steady | CPU µs/login, first 1,500 | p50 ms (c=1) | p99 ms (c=1) | logins/s c=1 | logins/s c=16 | p99 ms (c=16) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        `| crypto only: 1 RSA-2048 sign + 1 verify, parsed keys | ${f(cryptoUs)} | | | | | | |`,
        ...rows.map(
          (r) =>
            `| ${r.name} | ${f(r.c1.cpuUsPerLogin)} | ${f(warmup[r.id])} | ${f(r.c1.p50Ms, 2)} | ${f(r.c1.p99Ms, 2)} | ${f(r.c1.loginsPerSecond)} | ${f(r.c16!.loginsPerSecond)} | ${f(r.c16!.p99Ms, 2)} |`,
        ),
        '',
        `- steady state, mainland ÷ floor: **${f(ratios.mainlandOverFloor, 2)}×** (target ≤ ${TARGETS.steadyOverFloor}×: ${verdict(ratios.mainlandOverFloor <= TARGETS.steadyOverFloor)}); Macao ÷ floor: ${f(ratios.macaoOverFloor, 2)}×`,
        `- alipay-sdk ÷ mainland: **${f(ratios.alipaySdkOverMainland, 2)}×** (target ≥ ${TARGETS.sdkOverMainland}×: ${verdict(ratios.alipaySdkOverMainland >= TARGETS.sdkOverMainland)})`,
        `- warm-up window, mainland ÷ floor's: **${f(ratios.mainlandWarmupOverFloorWarmup, 2)}×** (target ≤ ${TARGETS.warmupOverFloorWarmup}×: ${verdict(ratios.mainlandWarmupOverFloorWarmup <= TARGETS.warmupOverFloorWarmup)}); Macao ÷ floor's: ${f(ratios.macaoWarmupOverFloorWarmup, 2)}×`,
        `- heap per in-flight mainland login (${IN_FLIGHT} held by the gateway): **${f(inFlightKiB, 1)} KiB** (target ≤ ${TARGETS.inFlightKiB} KiB: ${verdict(inFlightKiB <= TARGETS.inFlightKiB)})`,
        `- heap used after GC: ${f(heapBefore / 2 ** 20, 1)} MiB before, ${f(heapAfter / 2 ** 20, 1)} MiB after ${MEMORY_LOGINS} mainland logins: **${f(growthPercent, 1)}%** (target < ${TARGETS.heapGrowthPercent}%: ${verdict(growthPercent < TARGETS.heapGrowthPercent)})`,
        `- cold start, require() in a fresh process (median of 7): passport-alipay **${f(cold.passportAlipayMs, 1)} ms** (target ≤ ${TARGETS.coldRequireMs} ms: ${verdict(cold.passportAlipayMs <= TARGETS.coldRequireMs)}), alipay-sdk ${f(cold.alipaySdkMs, 1)} ms`,
      ].join('\n'),
    );
  } finally {
    gateway.kill();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
