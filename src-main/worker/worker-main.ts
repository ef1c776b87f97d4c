/**
 * Entry point of the training/evaluation process. It runs one job (the first `start` or `evaluate`
 * message) and exits. It speaks the protocol in protocol.ts over whichever channel it was started
 * with: Node's IPC (child_process.fork) or Electron's utilityProcess parentPort.
 */
import type { FromWorker, ToWorker } from './protocol.ts';
import { runEvaluateJob, runTrainJob } from './run-job.ts';

interface Channel {
  send(msg: FromWorker): Promise<void>;
  onMessage(cb: (msg: ToWorker) => void): void;
}

interface ParentPortLike {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function openChannel(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: (msg) => {
        parentPort.postMessage(msg);
        return Promise.resolve();
      },
      onMessage: (cb) => parentPort.on('message', (e) => cb(e.data as ToWorker)),
    };
  }
  if (!process.send) throw new Error('worker-main must be started by child_process.fork or utilityProcess.fork');
  return {
    // Resolve once the message is handed to the OS, so `done` is delivered before the process exits.
    send: (msg) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve();
        process.send!(msg, undefined, {}, () => resolve());
      }),
    onMessage: (cb) => process.on('message', (m) => cb(m as ToWorker)),
  };
}

const channel = openChannel();
let stopRequested = false;
let paused: { promise: Promise<void>; release: () => void } | null = null;
let started = false;

const control = {
  stopRequested: () => stopRequested,
  pausePoint: () => paused?.promise ?? Promise.resolve(),
};

function send(msg: FromWorker): void {
  void channel.send(msg);
}

async function finish(code: number, last: FromWorker): Promise<void> {
  try {
    await channel.send(last);
  } finally {
    process.exit(code);
  }
}

function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  void finish(1, { type: 'error', message: e.message, stack: e.stack });
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// The parent went away (crashed or killed): save like a stop command and exit rather than train
// unobserved. The run is then resumable from the saved checkpoint.
process.on('disconnect', () => {
  stopRequested = true;
  paused?.release();
  if (!started) process.exit(0);
});

channel.onMessage((msg) => {
  switch (msg.type) {
    case 'start':
    case 'evaluate': {
      if (started) {
        send({ type: 'log', level: 'warn', message: `ignored '${msg.type}': this worker already runs a job` });
        return;
      }
      started = true;
      const job = msg.type === 'start' ? runTrainJob(msg, send, control) : runEvaluateJob(msg, send);
      job.then((done) => finish(0, { type: 'done', ...done }), fail);
      return;
    }
    case 'stop':
      stopRequested = true;
      // A paused run must wake up to notice the stop.
      paused?.release();
      paused = null;
      return;
    case 'pause':
      if (!paused) {
        let release = (): void => {};
        const promise = new Promise<void>((resolve) => (release = resolve));
        paused = { promise, release };
        send({ type: 'state', state: 'paused' });
      }
      return;
    case 'resume':
      if (paused) {
        paused.release();
        paused = null;
        send({ type: 'state', state: 'running' });
      }
      return;
  }
});

send({ type: 'ready', pid: process.pid });
