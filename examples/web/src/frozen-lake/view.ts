import { ACTION_NAMES } from '@bomrl/envs';
import type { PolicyView } from './exact-round';
import type { MethodResult, PlaygroundResult } from './protocol';

/** Arrow glyphs in @bomrl/envs's action order (Left, Down, Right, Up). */
const ARROWS = ['←', '↓', '→', '↑'] as const;
const CELL_NAMES: Readonly<Record<string, string>> = {
  S: 'start',
  F: 'frozen',
  H: 'hole',
  G: 'goal',
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Fixed-point text for a return (4 decimals: the precision the page promises). */
export const formatReturn = (x: number): string => (x >= 0 ? ' ' : '') + x.toFixed(4);

/**
 * A map drawn as a grid. With a policy, each non-absorbing cell shows the greedy action's arrow,
 * its opacity the action's probability. With `onClick`, the cells are buttons.
 */
export function renderGrid(
  map: readonly string[],
  options: { policy?: PolicyView; onClick?: (r: number, c: number) => void; label: string },
): HTMLElement {
  const cols = map[0]?.length ?? 0;
  const grid = element('div', options.onClick ? 'grid editable' : 'grid');
  grid.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
  grid.setAttribute('role', 'grid');
  grid.setAttribute('aria-label', options.label);
  map.forEach((row, r) => {
    [...row].forEach((ch, c) => {
      const cell = element(options.onClick ? 'button' : 'div', `cell cell-${CELL_NAMES[ch]}`);
      cell.dataset.row = String(r);
      cell.dataset.col = String(c);
      cell.dataset.cell = ch;
      const name = CELL_NAMES[ch] ?? ch;
      if (ch !== 'F') cell.append(element('span', 'cell-tag', ch));
      const policy = options.policy;
      if (policy && (ch === 'S' || ch === 'F')) {
        const s = r * cols + c;
        const probs = policy.probabilities.slice(s * 4, s * 4 + 4);
        const best = probs.indexOf(Math.max(...probs));
        const p = probs[best] ?? 0;
        // A near-uniform row has no greedy action worth an arrow: show a dot instead.
        const undecided = p - Math.max(...probs.filter((_, a) => a !== best)) < 0.01;
        const arrow = element('span', undecided ? 'arrow undecided' : 'arrow');
        arrow.textContent = undecided ? '·' : (ARROWS[best] ?? '?');
        arrow.style.opacity = String(0.25 + 0.75 * p);
        cell.append(arrow);
        cell.title = undecided
          ? `${name}: no preferred action`
          : `${name}: ${ACTION_NAMES[best]} with probability ${p.toFixed(2)}`;
        cell.dataset.greedy = undecided ? 'none' : ACTION_NAMES[best];
      } else {
        cell.title = name;
      }
      if (options.onClick) {
        const click = options.onClick;
        cell.setAttribute('type', 'button');
        cell.addEventListener('click', () => click(r, c));
        cell.setAttribute('aria-label', `row ${r + 1}, column ${c + 1}: ${name}`);
      }
      grid.append(cell);
    });
  });
  return grid;
}

/** A number the test can read at full precision (data-value) and a person at 4 decimals. */
function valueCell(value: number | undefined, testId: string): HTMLElement {
  const td = element('td', 'num', value === undefined ? '–' : formatReturn(value));
  td.dataset.testid = testId;
  if (value !== undefined) td.dataset.value = String(value);
  return td;
}

function panel(title: string, map: readonly string[], policy: PolicyView | undefined, J?: number) {
  const box = element('figure', 'panel');
  if (policy) box.append(renderGrid(map, { policy, label: title }));
  else {
    const empty = element('div', 'grid placeholder', 'press “Adapt”');
    box.append(empty);
  }
  const caption = element('figcaption');
  caption.append(element('strong', undefined, title));
  caption.append(element('span', 'caption-j', J === undefined ? '' : `J = ${formatReturn(J)}`));
  box.append(caption);
  return box;
}

/** One method's row: prior grid, arrow, adapted grid. */
export function renderMethod(method: MethodResult, map: readonly string[]): HTMLElement {
  const section = element('section', 'method');
  section.dataset.method = method.id;
  const setting =
    method.setting.kind === 'maml'
      ? `adaptation: θ = φ + α ∇J(φ), α = ${method.setting.alpha}`
      : `adaptation: ${method.setting.distance === 'forward-kl' ? 'Alg(1)' : 'Alg(2)'}, λ = ${method.setting.lambda}`;
  section.append(element('h3', undefined, method.label));
  section.append(element('p', 'setting', setting));
  const row = element('div', 'pair');
  row.append(panel('meta-trained prior', map, method.prior, method.prior.J));
  row.append(element('div', 'step-arrow', '⟶'));
  row.append(panel('after one round', map, method.adapted, method.adapted?.J));
  section.append(row);
  const d = method.adapted?.diagnostics;
  if (d) {
    const moved =
      method.setting.kind === 'maml'
        ? `‖θ′ − φ‖² = ${d.distance.toFixed(2)}`
        : `D2(φ, θ′) = ${d.distance.toFixed(4)}`;
    const solver = `${d.solver}, ${d.steps} step${d.steps === 1 ? '' : 's'}${d.converged ? '' : ' (not converged)'}`;
    section.append(element('p', 'diagnostics', `${d.operator} · ${solver} · ${moved}`));
  }
  return section;
}

/** The numbers table: J before/after, J*, and the gaps J* - J. */
export function renderSummary(result: PlaygroundResult): HTMLElement {
  const table = element('table', 'summary');
  const head = element('tr');
  for (const h of ['method', 'J prior', 'J adapted', 'J*', 'gap prior', 'gap adapted']) {
    head.append(element('th', undefined, h));
  }
  table.append(element('thead'));
  table.tHead?.append(head);
  const body = element('tbody');
  for (const [key, m] of [
    ['bomrl', result.bomrl],
    ['maml', result.maml],
  ] as const) {
    const tr = element('tr');
    tr.append(element('th', undefined, m.label));
    tr.append(valueCell(m.prior.J, `${key}-prior-J`));
    tr.append(valueCell(m.adapted?.J, `${key}-adapted-J`));
    tr.append(valueCell(result.optimal, `${key}-optimal-J`));
    tr.append(valueCell(result.optimal - m.prior.J, `${key}-prior-gap`));
    tr.append(
      valueCell(
        m.adapted === undefined ? undefined : result.optimal - m.adapted.J,
        `${key}-adapted-gap`,
      ),
    );
    body.append(tr);
  }
  table.append(body);
  return table;
}
