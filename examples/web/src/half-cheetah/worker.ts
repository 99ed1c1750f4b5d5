/**
 * The HalfCheetahVel page's web worker: MuJoCo (WebAssembly), the rollouts, the BO-MRL round and
 * the evaluations all run here, off the page's UI thread, and report progress as they go.
 */
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '@bomrl/core';
import { checkCheetahPrior } from './prior';
import priorJson from './prior.json';
import type { CheetahReply, CheetahRequest } from './protocol';
import { cheetahFamily, runRound } from './session';

/** The part of the worker global scope used here (the DOM lib types `self` as a Window). */
interface WorkerScope {
  postMessage(message: CheetahReply): void;
  onmessage: ((event: MessageEvent<CheetahRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const doc = checkCheetahPrior(priorJson);
// The cpu backend is imported statically above, so selectBackend finds it registered and does
// not try the runtime import() of its package (which a browser cannot resolve).
const ready = selectBackend('cpu').then(async (report) => ({
  backend: report.engineName,
  family: await cheetahFamily(doc),
}));

// Requests are handled one at a time, in order.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      const { family } = await ready;
      const started = performance.now();
      const result = runRound(doc, family, request.velocity, (label, done, total) =>
        scope.postMessage({ kind: 'progress', id: request.id, done, total, label }),
      );
      scope.postMessage({
        kind: 'result',
        id: request.id,
        result,
        millis: performance.now() - started,
      });
    } catch (error) {
      scope.postMessage({ kind: 'error', id: request.id, message: (error as Error).message });
    }
  });
};

ready.then(
  ({ backend }) => scope.postMessage({ kind: 'ready', backend }),
  (error: Error) => scope.postMessage({ kind: 'error', id: null, message: error.message }),
);
