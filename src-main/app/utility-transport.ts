/**
 * The training worker as an Electron utilityProcess (a Node child the Chromium process model knows
 * about), implementing the engine's WorkerTransport so RunService drives it like a fork.
 */
import { utilityProcess } from 'electron';
import type { WorkerExit, WorkerTransport } from '../worker/transport.ts';
import { LineTail } from '../worker/transport.ts';
import type { FromWorker, ToWorker } from '../worker/protocol.ts';

export function utilityTransport(entry: string): WorkerTransport {
  const child = utilityProcess.fork(entry, [], { serviceName: 'FER Lab training worker', stdio: 'pipe' });
  const tail = new LineTail();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => tail.push(chunk));
  child.stdout?.resume();
  const exitCbs: Array<(e: WorkerExit) => void> = [];
  let exited: WorkerExit | null = null;
  child.on('exit', (code) => {
    // utilityProcess reports no signal: a crash shows as a non-zero code.
    exited = { code, signal: null, stderrTail: tail.get() };
    for (const cb of exitCbs.splice(0)) cb(exited);
  });
  return {
    get pid() {
      return child.pid;
    },
    send(msg: ToWorker) {
      child.postMessage(msg);
    },
    onMessage(cb: (msg: FromWorker) => void) {
      child.on('message', (m: unknown) => cb(m as FromWorker));
    },
    onExit(cb: (e: WorkerExit) => void) {
      if (exited) cb(exited);
      else exitCbs.push(cb);
    },
    kill() {
      child.kill();
    },
  };
}
