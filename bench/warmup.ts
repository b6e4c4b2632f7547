/**
 * One contender's warm-up window, in a fresh process (where a newly started server lives): the CPU
 * of its first WARMUP_WINDOW logins at concurrency 1, reported to the parent.
 */
import { createContender, type ContenderId } from './contenders';

export const WARMUP_WINDOW = 1500;

async function main(): Promise<void> {
  const id = process.argv[2] as ContenderId;
  const contender = createContender(id, { appPrivateKey: process.env.BENCH_APP_PRIVATE_KEY as string, alipayPublicKey: process.env.BENCH_ALIPAY_PUBLIC_KEY as string }, process.env.BENCH_BASE as string);
  const cpu = process.cpuUsage();
  for (let i = 0; i < WARMUP_WINDOW; i++) await contender.login();
  const d = process.cpuUsage(cpu);
  process.send?.({ id, cpuUsPerLogin: (d.user + d.system) / WARMUP_WINDOW });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
