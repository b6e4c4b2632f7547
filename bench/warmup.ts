/**
 * One contender's warm-up window, in a fresh process (where a newly started server lives): the CPU
 * of its first WARMUP_WINDOW logins at concurrency 1, reported to the parent.
 */
import { cpuMicros, createContender, type ContenderId } from './contenders';

export const WARMUP_WINDOW = 1500;

async function main(): Promise<void> {
  const id = process.argv[2] as ContenderId;
  const contender = createContender(id, { appPrivateKey: process.env.BENCH_APP_PRIVATE_KEY as string, alipayPublicKey: process.env.BENCH_ALIPAY_PUBLIC_KEY as string }, process.env.BENCH_BASE as string);
  const cpu = process.cpuUsage();
  for (let i = 0; i < WARMUP_WINDOW; i++) await contender.login();
  process.send?.({ id, cpuUsPerLogin: cpuMicros(cpu) / WARMUP_WINDOW });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
