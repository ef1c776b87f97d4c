/**
 * How a parent talks to a worker process. RunService only uses this interface, so the desktop app can
 * hand it an Electron utilityProcess wrapper while the CLI, the tests and the browser-mode server use
 * `forkTransport` (child_process.fork running the TypeScript entry through tsx).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface WorkerExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the worker wrote to stderr or stdout (native crashes, CUDA out of memory, ...). */
  stderrTail: string[];
}

export interface WorkerTransport {
  readonly pid: number | undefined;
  send(msg: ToWorker): void;
  onMessage(cb: (msg: FromWorker) => void): void;
  /** Called exactly once, after the process is gone (also when it could not start). */
  onExit(cb: (exit: WorkerExit) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export type TransportFactory = () => WorkerTransport;

const here = dirname(fileURLToPath(import.meta.url));
export const WORKER_ENTRY = join(here, 'worker-main.ts');

const STDERR_LINES = 20;

/** Keeps the last `max` lines of a stream (for crash reports), and echoes nothing. */
export class LineTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max = STDERR_LINES) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((l) => l.trim() !== ''));
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  get(): string[] {
    return this.partial.trim() ? [...this.lines, this.partial].slice(-this.max) : [...this.lines];
  }
}

export interface ForkOptions {
  entry?: string;
  env?: NodeJS.ProcessEnv;
  /** Echo the worker's stderr lines to this callback as they come (logs, warnings). */
  onStderr?: (line: string) => void;
}

export function forkTransport(options: ForkOptions = {}): WorkerTransport {
  const entry = options.entry ?? WORKER_ENTRY;
  if (!existsSync(entry)) throw new Error(`worker entry ${entry} not found`);
  const child = fork(entry, [], {
    // .ts entries run through tsx, as the CLI does; a built .js entry runs as is.
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    // stdout is captured too: the parent's stdout may be machine-readable output (`--json`), and
    // libraries print banners there. Worker logs travel as protocol messages instead.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: options.env ?? process.env,
  });
  const tail = new LineTail();
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => tail.push(chunk));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail.push(chunk);
    if (options.onStderr) for (const line of chunk.split('\n')) if (line.trim()) options.onStderr(line);
  });
  const exitCbs: Array<(e: WorkerExit) => void> = [];
  let exited: WorkerExit | null = null;
  const report = (e: WorkerExit): void => {
    if (exited) return;
    exited = e;
    for (const cb of exitCbs) cb(e);
  };
  child.on('error', (err) => {
    // Spawn failures never emit 'exit'.
    if (child.pid === undefined) report({ code: null, signal: null, stderrTail: [...tail.get(), err.message] });
  });
  // 'close' waits for stderr to drain, so the tail holds the crash message.
  child.on('close', (code, signal) => report({ code, signal, stderrTail: tail.get() }));
  return {
    get pid() {
      return child.pid;
    },
    send(msg) {
      if (child.connected) child.send(msg);
    },
    onMessage(cb) {
      child.on('message', (m) => cb(m as FromWorker));
    },
    onExit(cb) {
      if (exited) cb(exited);
      else exitCbs.push(cb);
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/**
 * The parts of Electron's UtilityProcess (from `utilityProcess.fork(entry, [], { stdio: 'pipe' })`)
 * that a transport needs; declared here so this module never imports electron.
 */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  on(event: 'message', cb: (message: unknown) => void): unknown;
  on(event: 'exit', cb: (code: number) => void): unknown;
  kill(): boolean;
}

/**
 * Wraps an Electron utility process as a WorkerTransport. Electron reports only an exit code (no
 * signal), so a killed utility process ends its run 'failed' with the code and stderr tail as cause.
 */
export function utilityProcessTransport(child: UtilityProcessLike): WorkerTransport {
  const tail = new LineTail();
  child.stderr?.on('data', (chunk: Buffer | string) => tail.push(String(chunk)));
  let exited: WorkerExit | null = null;
  const exitCbs: Array<(e: WorkerExit) => void> = [];
  child.on('exit', (code) => {
    exited = { code, signal: null, stderrTail: tail.get() };
    for (const cb of exitCbs) cb(exited);
  });
  return {
    get pid() {
      return child.pid;
    },
    send(msg) {
      if (!exited) child.postMessage(msg);
    },
    onMessage(cb) {
      child.on('message', (m) => cb(m as FromWorker));
    },
    onExit(cb) {
      if (exited) cb(exited);
      else exitCbs.push(cb);
    },
    kill() {
      if (!exited) child.kill();
    },
  };
}
