import { checkCheetahPrior } from './prior';
import priorJson from './prior.json';
import type { CheetahReply, CheetahRequest } from './protocol';
import type { Evaluation } from './round';
import { EVALUATION } from './seeds';
import { drawFrame, replay } from './view';
import '../style.css';

const doc = checkCheetahPrior(priorJson);
/** Seconds per env step of HalfCheetah (timestep 0.01 x frame skip 5): the replay's frame time. */
const DT = 0.05;
const byId = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`half-cheetah.html has no #${id}`);
  return e as T;
};
const slider = byId<HTMLInputElement>('target-velocity');
const adaptButton = byId<HTMLButtonElement>('adapt');
const statusText = byId('status-text');
const progressBar = byId<HTMLProgressElement>('progress');
const priorCanvas = byId<HTMLCanvasElement>('prior-canvas');
const adaptedCanvas = byId<HTMLCanvasElement>('adapted-canvas');

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let latest = 0;
let stopReplay = () => {};

/** The page's state, also read by the browser test: starting | busy | ready | error. */
function setState(state: string, text: string): void {
  document.body.dataset.state = state;
  statusText.textContent = text;
}

/** "return -31.20 · velocity 1.43 m/s", with the numbers as data attributes for the test. */
function showStats(id: string, testId: string, e: Evaluation): void {
  const span = byId(id);
  span.replaceChildren();
  const value = (name: string, v: number, text: string) => {
    const s = document.createElement('strong');
    s.dataset.testid = `${testId}-${name}`;
    s.dataset.value = String(v);
    s.textContent = text;
    return s;
  };
  span.append(
    'return ',
    value('return', e.meanReturn, e.meanReturn.toFixed(2)),
    ' · velocity ',
    value('velocity', e.meanVelocity, `${e.meanVelocity.toFixed(2)} m/s`),
  );
}

function showTarget(): void {
  byId('target-value').textContent = Number(slider.value).toFixed(2);
}

slider.addEventListener('input', showTarget);
adaptButton.addEventListener('click', () => {
  latest++;
  const request: CheetahRequest = { id: latest, velocity: Number(slider.value) };
  adaptButton.disabled = true;
  progressBar.value = 0;
  document.body.dataset.result = 'none';
  setState('busy', 'Starting…');
  worker.postMessage(request);
});

worker.onmessage = (event: MessageEvent<CheetahReply>) => {
  const reply = event.data;
  if (reply.kind === 'ready') {
    byId('backend').textContent =
      `tfjs backend: ${reply.backend}, MuJoCo WebAssembly, in a web worker`;
    adaptButton.disabled = false;
    setState('ready', 'Ready: pick a target velocity and press the button.');
    return;
  }
  if (reply.kind === 'error') {
    adaptButton.disabled = false;
    setState('error', `Error: ${reply.message}`);
    return;
  }
  if (reply.id !== latest) return;
  if (reply.kind === 'progress') {
    progressBar.max = reply.total;
    progressBar.value = reply.done;
    statusText.textContent = `${reply.label}: ${reply.done}/${reply.total}`;
    return;
  }
  const r = reply.result;
  progressBar.value = progressBar.max;
  showStats('prior-stats', 'prior', r.prior);
  showStats('adapted-stats', 'adapted', r.adapted);
  const target = byId('round');
  target.dataset.velocity = String(r.velocity);
  target.textContent =
    `v* = ${r.velocity.toFixed(2)} m/s. Batch: ${r.batch.episodes} episodes of the prior ` +
    `(mean return ${r.batch.meanReturn.toFixed(2)}, sampled actions); lower level: ` +
    `${r.lowerLevel.steps} Adam steps, KL(prior ‖ adapted) on the batch ${r.lowerLevel.kl.toFixed(3)}.`;
  stopReplay();
  stopReplay = replay(
    [
      { canvas: priorCanvas, frames: r.prior.frames, color: '#7a8594' },
      { canvas: adaptedCanvas, frames: r.adapted.frames, color: '#2f6fde' },
    ],
    DT,
  );
  adaptButton.disabled = false;
  document.body.dataset.result = 'adapted';
  setState('ready', `Done in ${(reply.millis / 1000).toFixed(1)} s.`);
};
worker.onerror = (event) => setState('error', `Worker error: ${event.message}`);

const a = doc.adaptation;
byId('horizon').textContent = String(doc.env.horizon);
byId('eval-count').textContent = String(EVALUATION.episodes);
byId('settings').textContent =
  `One round: ${a.episodes} episodes with the prior, then BO-MRL Alg(1) (forward KL, ` +
  `λ = ${a.lambda}), ${a.maxSteps} Adam steps of learning rate ${a.lr} on the batch.`;
adaptButton.disabled = true;
showTarget();
for (const c of [priorCanvas, adaptedCanvas]) drawFrame(c, [], '#7a8594');
setState('starting', 'Loading MuJoCo and TensorFlow.js in the worker…');
