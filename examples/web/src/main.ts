import { EditableMap } from './frozen-lake/map-editor';
import { checkPriors } from './frozen-lake/priors';
import priorsJson from './frozen-lake/priors.json';
import type { PlaygroundReply, PlaygroundRequest } from './frozen-lake/protocol';
import { renderGrid, renderMethod, renderSummary } from './frozen-lake/view';
import './style.css';

const priors = checkPriors(priorsJson);
const byId = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as T;
};
const editor = byId('map-editor');
const mapError = byId('map-error');
const adaptButton = byId<HTMLButtonElement>('adapt');
const resetButton = byId<HTMLButtonElement>('reset');
const statusText = byId('status-text');
const progressBar = byId<HTMLProgressElement>('progress');
const results = byId('results');
const summary = byId('summary');

const worker = new Worker(new URL('./frozen-lake/worker.ts', import.meta.url), { type: 'module' });
let map = new EditableMap(priors.defaultMap);
let latest = 0;

/** The page's state, also read by the browser test: starting | busy | ready | invalid | error. */
function setState(state: string, text: string): void {
  document.body.dataset.state = state;
  statusText.textContent = text;
}

function bomrlChoice(): PlaygroundRequest['bomrl'] {
  const checked = document.querySelector<HTMLInputElement>('input[name="bomrl"]:checked');
  return checked?.value === 'bomrl-alg2' ? 'bomrl-alg2' : 'bomrl-alg1';
}

function send(kind: PlaygroundRequest['kind']): void {
  const problem = map.problem();
  mapError.textContent = problem ?? '';
  adaptButton.disabled = problem !== null;
  if (problem) {
    progressBar.value = 0;
    setState('invalid', 'Fix the map to continue (the results are of the last valid map).');
    return;
  }
  latest++;
  const request: PlaygroundRequest = { id: latest, kind, map: map.toRows(), bomrl: bomrlChoice() };
  progressBar.value = 0;
  setState('busy', kind === 'adapt' ? 'Adapting…' : 'Evaluating the priors…');
  worker.postMessage(request);
}

function drawEditor(): void {
  editor.replaceChildren(
    renderGrid(map.toRows(), {
      label: 'Frozen Lake map (click to edit)',
      onClick: (r, c) => {
        if (map.click(r, c)) {
          drawEditor();
          send('evaluate');
        }
      },
    }),
  );
}

worker.onmessage = (event: MessageEvent<PlaygroundReply>) => {
  const reply = event.data;
  if (reply.kind === 'ready') {
    byId('backend').textContent = `tfjs backend: ${reply.backend}, in a web worker`;
    return;
  }
  if (reply.kind === 'error') {
    setState('error', `Error: ${reply.message}`);
    return;
  }
  if (reply.id !== latest) return; // an older request: the map has changed since
  if (reply.kind === 'progress') {
    progressBar.max = reply.total;
    progressBar.value = reply.done;
    statusText.textContent = `${reply.label}…`;
    return;
  }
  const r = reply.result;
  progressBar.value = progressBar.max;
  results.replaceChildren(renderMethod(r.bomrl, r.map), renderMethod(r.maml, r.map));
  summary.replaceChildren(renderSummary(r));
  document.body.dataset.result = r.bomrl.adapted ? 'adapted' : 'priors';
  setState(
    'ready',
    r.bomrl.adapted
      ? `One round of adaptation done in ${r.millis.toFixed(0)} ms.`
      : 'Priors evaluated. Press “Adapt” for one round of adaptation.',
  );
};
worker.onerror = (event) => setState('error', `Worker error: ${event.message}`);

adaptButton.addEventListener('click', () => send('adapt'));
resetButton.addEventListener('click', () => {
  map = new EditableMap(priors.defaultMap);
  drawEditor();
  send('evaluate');
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="bomrl"]')) {
  radio.addEventListener('change', () => send('evaluate'));
}
for (const id of ['bomrl-alg1', 'bomrl-alg2'] as const) {
  const a = priors.priors[id].adaptation;
  if (a.kind === 'bomrl') byId(`${id}-lambda`).textContent = String(a.lambda);
}

setState('starting', 'Starting the worker…');
drawEditor();
send('evaluate');
