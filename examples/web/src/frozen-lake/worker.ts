/**
 * The Frozen Lake playground's web worker: every tfjs and dynamic-programming computation runs
 * here, off the page's UI thread, and reports progress between its steps.
 */
import { startBackend } from '../backend';
import { adaptOnce, mapModel, optimalReturn, viewPolicy } from './exact-round';
import { checkPriors, type PriorId } from './priors';
import priorsJson from './priors.json';
import type {
  MethodResult,
  PlaygroundReply,
  PlaygroundRequest,
  PlaygroundResult,
} from './protocol';

/** The part of the worker global scope used here (the DOM lib types `self` as a Window). */
interface WorkerScope {
  postMessage(message: PlaygroundReply): void;
  onmessage: ((event: MessageEvent<PlaygroundRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const priors = checkPriors(priorsJson);
const ready = startBackend();

function run(request: PlaygroundRequest): PlaygroundResult {
  const started = performance.now();
  const adaptToo = request.kind === 'adapt';
  const ids: PriorId[] = [request.bomrl, 'maml'];
  const total = adaptToo ? 2 + ids.length : 1;
  let done = 0;
  const progress = (label: string) =>
    scope.postMessage({ kind: 'progress', id: request.id, done: done++, total, label });

  progress('exact model of the map, J* and the priors');
  const model = mapModel(request.map, priors.env);
  const optimal = optimalReturn(model);
  const columns = ids.map((id) => {
    const entry = priors.priors[id];
    return { id, entry, prior: viewPolicy(model, entry.policy.params) };
  });
  const results = columns.map(({ id, entry, prior }): MethodResult => {
    if (!adaptToo) return { id, label: entry.label, setting: entry.adaptation, prior };
    progress(`${entry.label}: one adaptation round`);
    const { logits, diagnostics } = adaptOnce(model, prior.logits, entry.adaptation);
    return {
      id,
      label: entry.label,
      setting: entry.adaptation,
      prior,
      adapted: { ...viewPolicy(model, logits), diagnostics },
    };
  });
  if (adaptToo) progress('evaluating the adapted policies');
  return {
    map: request.map,
    optimal,
    bomrl: results[0]!,
    maml: results[1]!,
    millis: performance.now() - started,
  };
}

// Requests are handled one at a time, in order (the page only shows the latest result).
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      await ready;
      scope.postMessage({ kind: 'result', id: request.id, result: run(request) });
    } catch (error) {
      scope.postMessage({ kind: 'error', id: request.id, message: (error as Error).message });
    }
  });
};

ready.then(
  (backend) => scope.postMessage({ kind: 'ready', backend }),
  (error: Error) => scope.postMessage({ kind: 'error', id: null, message: error.message }),
);
