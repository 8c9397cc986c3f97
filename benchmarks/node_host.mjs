// A small Node/V8 host for one Go WASI reactor: the peer baseline of
// benchmarks/bench_peers.py. A plain loop calls go_tick on the same .wasm
// reactor-frame runs, with a minimal WASI of its own (args, environ, clocks,
// random, discarded output, no files).
//
// Usage: node node_host.mjs MODE FILE.wasm CALLS SAMPLES [GUEST ARGS...]
//   MODE tick:  settle the guest, then SAMPLES batches of CALLS go_tick calls;
//               prints {"wall_us": [...], "cpu_us": [...]} per call.
//   MODE run:   drive the guest to completion (go_tick until idle or exit);
//               prints {"wall_ms": ..., "cpu_ms": ..., "ticks": ..., "exit_code": ...}.
import { readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";

const [mode, file, callsArg, samplesArg, ...guestArgs] = process.argv.slice(2);
const calls = Number(callsArg);
const samples = Number(samplesArg);
const argv = [file.split("/").pop().replace(/\.wasm$/, ""), ...guestArgs];
const enc = new TextEncoder();

class Exit {
  constructor(code) { this.code = code; }
}

let memory = null;
const view = () => new DataView(memory.buffer);
const bytes = () => new Uint8Array(memory.buffer);

function putStrings(list, ptrs, buf) {
  const dv = view();
  const mem = bytes();
  for (const s of list) {
    const b = enc.encode(s);
    dv.setUint32(ptrs, buf, true);
    ptrs += 4;
    mem.set(b, buf);
    mem[buf + b.length] = 0;
    buf += b.length + 1;
  }
  return 0;
}

function sizes(list, countPtr, sizePtr) {
  const dv = view();
  dv.setUint32(countPtr, list.length, true);
  dv.setUint32(sizePtr, list.reduce((n, s) => n + enc.encode(s).length + 1, 0), true);
  return 0;
}

const clockNs = (id) => (id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint());
const EBADF = 8;

const wasi = {
  args_get: (p, b) => putStrings(argv, p, b),
  args_sizes_get: (c, s) => sizes(argv, c, s),
  environ_get: (p, b) => putStrings([], p, b),
  environ_sizes_get: (c, s) => sizes([], c, s),
  clock_time_get: (id, _precision, out) => {
    view().setBigUint64(out, clockNs(id), true);
    return 0;
  },
  random_get: (ptr, len) => {
    randomFillSync(bytes(), ptr, len);
    return 0;
  },
  fd_write: (fd, iovs, n, written) => {
    const dv = view();
    let total = 0;
    for (let i = 0; i < n; i++) total += dv.getUint32(iovs + 8 * i + 4, true);
    dv.setUint32(written, total, true);
    return fd === 1 || fd === 2 ? 0 : EBADF;
  },
  poll_oneoff: (inPtr, outPtr, n, neventsPtr) => {
    // Every subscription fires at once: the guest rechecks its clock.
    const dv = view();
    for (let i = 0; i < n; i++) {
      const sub = inPtr + 48 * i;
      const ev = outPtr + 32 * i;
      dv.setBigUint64(ev, dv.getBigUint64(sub, true), true);
      dv.setUint16(ev + 8, 0, true);
      dv.setUint8(ev + 10, dv.getUint8(sub + 8));
    }
    dv.setUint32(neventsPtr, n, true);
    return 0;
  },
  sched_yield: () => 0,
  proc_exit: (code) => {
    throw new Exit(code);
  },
  fd_close: () => EBADF,
  fd_fdstat_get: () => EBADF,
  fd_fdstat_set_flags: () => EBADF,
  fd_prestat_get: () => EBADF,
  fd_prestat_dir_name: () => EBADF,
};

const module = new WebAssembly.Module(readFileSync(file));
const imports = { wasi_snapshot_preview1: {} };
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.module !== "wasi_snapshot_preview1") throw new Error(`unsupported import ${imp.module}.${imp.name}`);
  imports.wasi_snapshot_preview1[imp.name] = wasi[imp.name] ?? (() => 52); // ENOSYS
}
const instance = new WebAssembly.Instance(module, imports);
memory = instance.exports.memory;
const { _initialize, go_start_main, go_tick } = instance.exports;

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function drive() {
  // go_tick until idle (-1) or a proc_exit; returns [ticks, exit code or null]
  let ticks = 0;
  try {
    for (;;) {
      ticks++;
      if (go_tick() === -1) return [ticks, null];
    }
  } catch (e) {
    if (e instanceof Exit) return [ticks, e.code];
    throw e;
  }
}

_initialize();
go_start_main();
if (mode === "run") {
  const wall0 = process.hrtime.bigint();
  const cpu0 = cpuUs();
  const [ticks, code] = drive();
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  console.log(JSON.stringify({ wall_ms: wallMs, cpu_ms: (cpuUs() - cpu0) / 1e3, ticks, exit_code: code }));
} else if (mode === "tick") {
  for (let i = 0; i < 1000 && go_tick() === 0; i++);
  const out = { wall_us: [], cpu_us: [] };
  for (let s = 0; s <= samples; s++) {
    const wall0 = process.hrtime.bigint();
    const cpu0 = cpuUs();
    for (let i = 0; i < calls; i++) go_tick();
    const cpu = (cpuUs() - cpu0) / calls;
    const wall = Number(process.hrtime.bigint() - wall0) / 1e3 / calls;
    if (s > 0) { // the first batch warms up the JIT
      out.wall_us.push(wall);
      out.cpu_us.push(cpu);
    }
  }
  console.log(JSON.stringify(out));
} else {
  throw new Error(`unknown mode ${mode}`);
}
