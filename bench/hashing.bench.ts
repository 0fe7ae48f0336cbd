import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { deriveKeys, DEFAULT_KDF } from '../electron/core/backup/kdf';
import { hashPassword } from '../electron/core/hashing';
import { childrenCpuMs, summarise, type Row } from './lib';

/**
 * The two password hashes against their reference implementations, measured alternately (ours, reference,
 * ours, …) so both see the same load on a shared machine, as wall time and as CPU time (user + system of
 * every thread; the steadier figure on a busy machine).
 * - Argon2id at the backup's own parameters (backup/kdf.ts DEFAULT_KDF: 64 MiB, t = 3, p = 4, 64-byte tag,
 *   version 0x13) through the backup's deriveKeys, against Debian's `argon2` command (libargon2) given the
 *   same password, salt and parameters; both outputs are compared byte for byte before anything is timed.
 *   The command's own process cost (the same command at Argon2's minimum parameters) is measured separately
 *   and subtracted from its wall time; its CPU time is the child's own (/proc/self/stat cutime + cstime).
 * - bcrypt cost 12 through hashing/hashPassword (node bcrypt 6, genSalt + hash on libuv's thread pool)
 *   against Debian's python3-bcrypt `hashpw(pw, gensalt(12))`, timed inside Python (no interpreter start).
 */
const RUNS = 5;
const PASS = 'violet tractor sings under seven moons';

function argon2Cli(salt: string, args: string[]): { hex: string; wall: number; cpu: number } {
  const c0 = childrenCpuMs() ?? 0;
  const t = performance.now();
  const r = spawnSync('argon2', [salt, '-id', ...args, '-l', '64', '-v', '13', '-r'], {
    input: PASS,
    encoding: 'utf8',
  });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`argon2 CLI failed (${String(r.status)}): ${r.stderr}`);
  return { hex: r.stdout.trim(), wall, cpu: (childrenCpuMs() ?? 0) - c0 };
}

async function argon2Rows(): Promise<Row[]> {
  const salt = randomBytes(16).toString('hex'); // 32 ASCII bytes: the backup's salt length
  const saltBytes = Buffer.from(salt, 'utf8');
  const params = [
    '-k',
    String(DEFAULT_KDF.memoryKiB),
    '-t',
    String(DEFAULT_KDF.iterations),
    '-p',
    String(DEFAULT_KDF.parallelism),
  ];
  const ours = async () => {
    const c = process.cpuUsage();
    const t = performance.now();
    const k = await deriveKeys(PASS, saltBytes, DEFAULT_KDF);
    const wall = performance.now() - t;
    const d = process.cpuUsage(c);
    return { hex: Buffer.concat([k.encKey, k.macKey]).toString('hex'), wall, cpu: (d.user + d.system) / 1000 };
  };
  // Fairness check (and warm-up): the same tag from both, or the comparison is meaningless.
  const a = await ours();
  const b = argon2Cli(salt, params);
  if (a.hex !== b.hex) throw new Error('argon2: node and the CLI disagree on the tag; parameters differ');
  const s = {
    oursWall: [] as number[],
    oursCpu: [] as number[],
    cliWall: [] as number[],
    cliCpu: [] as number[],
    procWall: [] as number[],
    procCpu: [] as number[],
  };
  for (let i = 0; i < RUNS; i++) {
    const o = await ours();
    const c = argon2Cli(salt, params);
    const p = argon2Cli(salt, ['-k', '8', '-t', '1', '-p', '1']);
    s.oursWall.push(o.wall);
    s.oursCpu.push(o.cpu);
    s.cliWall.push(c.wall);
    s.cliCpu.push(c.cpu);
    s.procWall.push(p.wall);
    s.procCpu.push(p.cpu);
  }
  const proc = summarise(s.procWall);
  const label = `m=${String(DEFAULT_KDF.memoryKiB / 1024)} MiB t=${String(DEFAULT_KDF.iterations)} p=${String(DEFAULT_KDF.parallelism)} 64-byte tag`;
  return [
    {
      group: 'hashing',
      name: `Argon2id, backup KDF ${label} (node argon2 0.44), wall`,
      unit: 'ms',
      stats: summarise(s.oursWall),
      reference: {
        name: '`argon2` CLI (Debian libargon2 20171227) minus its process cost',
        stats: summarise(s.cliWall.map((w) => w - proc.median)),
      },
      note: 'identical 64-byte output checked; runs alternate',
    },
    {
      group: 'hashing',
      name: `Argon2id, backup KDF ${label}, CPU time`,
      unit: 'ms',
      stats: summarise(s.oursCpu),
      reference: { name: '`argon2` CLI, child CPU time', stats: summarise(s.cliCpu) },
      note: 'user+system, all threads; CLI via /proc cutime (10 ms ticks)',
    },
    {
      group: 'hashing',
      name: '`argon2` CLI process cost (Argon2 minimum: 8 KiB, t=1, p=1), wall',
      unit: 'ms',
      stats: proc,
      note: `CPU ${summarise(s.procCpu).median.toFixed(0)} ms; subtracted above`,
    },
  ];
}

async function bcryptRows(): Promise<Row[]> {
  const pw = 'correct horse battery staple';
  const script = [
    'import bcrypt, time, json, sys',
    'pw = sys.argv[1].encode()',
    'bcrypt.hashpw(pw, bcrypt.gensalt(4))',
    't = time.perf_counter(); c = time.process_time()',
    'bcrypt.hashpw(pw, bcrypt.gensalt(12))',
    'print(json.dumps([(time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000]))',
  ].join('\n');
  const python = () =>
    JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, pw], { encoding: 'utf8' })) as [number, number];
  const ours = async () => {
    const c = process.cpuUsage();
    const t = performance.now();
    await hashPassword(pw, 12);
    const wall = performance.now() - t;
    const d = process.cpuUsage(c);
    return [wall, (d.user + d.system) / 1000] as const;
  };
  await ours();
  python();
  const s = { oursWall: [] as number[], oursCpu: [] as number[], pyWall: [] as number[], pyCpu: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const [ow, oc] = await ours();
    const [pw2, pc] = python();
    s.oursWall.push(ow);
    s.oursCpu.push(oc);
    s.pyWall.push(pw2);
    s.pyCpu.push(pc);
  }
  return [
    {
      group: 'hashing',
      name: 'bcrypt cost 12 hash (node bcrypt 6 via hashPassword), wall',
      unit: 'ms',
      stats: summarise(s.oursWall),
      reference: { name: 'python3-bcrypt 3.2.2 hashpw, timed in Python', stats: summarise(s.pyWall) },
      note: 'target ratio ≤ 1.10; runs alternate',
    },
    {
      group: 'hashing',
      name: 'bcrypt cost 12 hash, CPU time',
      unit: 'ms',
      stats: summarise(s.oursCpu),
      reference: { name: 'python3-bcrypt, process_time', stats: summarise(s.pyCpu) },
      note: 'user+system',
    },
  ];
}

export default async function hashing(): Promise<Row[]> {
  return [...(await argon2Rows()), ...(await bcryptRows())];
}
