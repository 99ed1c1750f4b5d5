/** A point of a series; `error` draws a symmetric error bar (e.g. one standard error). */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly error?: number;
}

/** A named line. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

/** What to draw. */
export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** A horizontal reference line, e.g. J*. */
  readonly reference?: { readonly y: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
const MARGIN = { left: 64, right: 24, top: 36, bottom: 48 };
const PLOT_WIDTH = 560;
/** Legend rows sit under the x-axis label; each entry is a swatch and its name. */
const LEGEND_ROW = 18;
const CHAR_WIDTH = 7; // ~px per character at font-size 12

/** One legend entry: a colored swatch (solid, or dashed for the reference line) and a label. */
interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
}

/** Legend entries laid out left to right in rows that fit the chart's width. */
function legendLayout(entries: readonly LegendEntry[], width: number) {
  const placed: { entry: LegendEntry; x: number; row: number }[] = [];
  let x = MARGIN.left;
  let row = 0;
  for (const entry of entries) {
    const w = 28 + CHAR_WIDTH * entry.label.length + 16;
    if (x > MARGIN.left && x + w > width - MARGIN.right) {
      row++;
      x = MARGIN.left;
    }
    placed.push({ entry, x, row });
    x += w;
  }
  return { placed, rows: entries.length ? row + 1 : 0 };
}

function legendEntries(spec: LineChartSpec): LegendEntry[] {
  const entries = spec.series.map((s, i) => ({
    label: s.name,
    color: PALETTE[i % PALETTE.length]!,
    dashed: false,
  }));
  if (spec.reference) entries.push({ label: spec.reference.label, color: '#555', dashed: true });
  return entries;
}

const escapeXml = (s: string) =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/**
 * About five round tick values covering [lo, hi]; with `integer`, only whole numbers (an axis of
 * adaptation rounds or iterations has no round 0.5).
 */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const step = integer ? Math.max(1, Math.round(nice)) : nice;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** The plotting scale of a chart: data coordinates to pixels. */
export function chartScale(spec: LineChartSpec) {
  const width = spec.width ?? MARGIN.left + PLOT_WIDTH + MARGIN.right;
  const legend = legendLayout(legendEntries(spec), width);
  const bottomMargin = MARGIN.bottom + legend.rows * LEGEND_ROW + (legend.rows ? 8 : 0);
  const height = spec.height ?? 360 + bottomMargin;
  const points = spec.series.flatMap((s) => s.points);
  const xs = points.map((p) => p.x);
  const integerX = xs.every((x) => Number.isInteger(x));
  const ys = points.flatMap((p) => [p.y - (p.error ?? 0), p.y + (p.error ?? 0)]);
  if (spec.reference) ys.push(spec.reference.y);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x1 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const xTicks = niceTicks(x0, x1, 5, integerX);
  // Pad x too, so the first and last points (and their error bars) sit inside the axes.
  const xPad = (x1 - x0) * 0.04;
  x0 -= xPad;
  x1 += xPad;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - bottomMargin;
  return {
    width,
    height,
    plotBottom: height - bottomMargin,
    legend,
    xTicks,
    domain: { x0, x1, y0, y1 },
    px: (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW,
    py: (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH,
  };
}

/**
 * A self-contained SVG line chart (axes, ticks, lines with markers, error bars, legend, an
 * optional reference line). Plain strings, no dependencies, deterministic output.
 */
export function lineChart(spec: LineChartSpec): string {
  if (spec.series.every((s) => s.points.length === 0))
    throw new RangeError(`lineChart '${spec.title}': no points`);
  for (const s of spec.series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        throw new RangeError(
          `lineChart '${spec.title}': series '${s.name}' has a non-finite point`,
        );
      }
    }
  }
  const { width, height, plotBottom, legend, xTicks, domain, px, py } = chartScale(spec);
  const f = (v: number) => v.toFixed(2);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(spec.title)}</text>`,
  );
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = plotBottom;
  out.push(
    `<g class="axes" stroke="#333" fill="none"><path d="M${left},${top}V${bottom}H${right}"/></g>`,
  );
  for (const t of xTicks) {
    out.push(
      `<line class="xtick" x1="${f(px(t))}" y1="${bottom}" x2="${f(px(t))}" y2="${bottom + 5}" stroke="#333"/>`,
      `<text x="${f(px(t))}" y="${bottom + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of niceTicks(domain.y0, domain.y1)) {
    out.push(
      `<line class="ytick" x1="${left - 5}" y1="${f(py(t))}" x2="${right}" y2="${f(py(t))}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${f(py(t) + 4)}" text-anchor="end">${t}</text>`,
    );
  }
  out.push(
    `<text x="${(left + right) / 2}" y="${bottom + 38}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  if (spec.reference) {
    const y = f(py(spec.reference.y));
    out.push(
      `<line class="reference" x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/>`,
    );
  }
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    out.push(
      `<g class="series" data-name="${escapeXml(s.name)}" stroke="${color}" fill="${color}">`,
    );
    if (pts.length > 1) {
      out.push(
        `<polyline fill="none" stroke-width="2" points="${pts.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ')}"/>`,
      );
    }
    for (const p of pts) {
      if (p.error !== undefined && p.error > 0) {
        const x = f(px(p.x));
        out.push(
          `<path class="errorbar" fill="none" d="M${x},${f(py(p.y - p.error))}V${f(py(p.y + p.error))}M${f(px(p.x) - 4)},${f(py(p.y - p.error))}h8M${f(px(p.x) - 4)},${f(py(p.y + p.error))}h8"/>`,
        );
      }
      if (pts.length <= 60) out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3"/>`);
    }
    out.push('</g>');
  });
  for (const { entry, x, row } of legend.placed) {
    const ly = bottom + 60 + row * LEGEND_ROW;
    const dash = entry.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<g class="legend"><line x1="${x}" y1="${ly - 4}" x2="${x + 22}" y2="${ly - 4}" stroke="${entry.color}" stroke-width="2"${dash}/><text x="${x + 28}" y="${ly}">${escapeXml(entry.label)}</text></g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
