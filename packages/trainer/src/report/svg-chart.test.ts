import { describe, expect, it } from 'vitest';
import { chartScale, lineChart, niceTicks } from './svg-chart';

describe('lineChart', () => {
  const spec = {
    title: 'Return <held-out> & co',
    xLabel: 'adaptation round',
    yLabel: 'return',
    series: [
      {
        name: 'BO-MRL',
        points: [
          { x: 0, y: 0.4, error: 0.1 },
          { x: 1, y: 1.5, error: 0.05 },
          { x: 2, y: 1.6 },
        ],
      },
      {
        name: 'MAML',
        points: [
          { x: 0, y: 0.4 },
          { x: 1, y: 1.3 },
        ],
      },
    ],
    reference: { y: 1.64, label: 'J*' },
  };

  it('places every point where the scale says and draws one error bar per error', () => {
    const svg = lineChart(spec);
    const { px, py } = chartScale(spec);
    expect(svg).toContain(`<circle cx="${px(1).toFixed(2)}" cy="${py(1.5).toFixed(2)}" r="3"/>`);
    expect(svg.match(/class="errorbar"/g)).toHaveLength(2);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    // one legend entry per series, plus the reference line's
    expect(svg.match(/class="legend"/g)).toHaveLength(3);
    expect(svg).toContain('class="reference"');
  });

  it('keeps the error bars and the reference inside the plotted range', () => {
    const { domain } = chartScale(spec);
    expect(domain.y0).toBeLessThan(0.3);
    expect(domain.y1).toBeGreaterThan(1.64);
  });

  it('escapes text and is well-formed enough to balance its groups', () => {
    const svg = lineChart(spec);
    expect(svg).toContain('Return &lt;held-out&gt; &amp; co');
    expect(svg.match(/<g /g)!.length).toBe(svg.match(/<\/g>/g)!.length);
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('refuses non-finite or empty data', () => {
    expect(() =>
      lineChart({ ...spec, series: [{ name: 'a', points: [{ x: 0, y: Number.NaN }] }] }),
    ).toThrow(/non-finite/);
    expect(() => lineChart({ ...spec, series: [{ name: 'a', points: [] }] })).toThrow(/no points/);
  });

  it('chooses round ticks that cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 150)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(0, 1, 5, true)).toEqual([0, 1]);
    expect(niceTicks(0, 4, 5, true)).toEqual([0, 1, 2, 3, 4]);
  });

  it('labels an axis of whole numbers (adaptation rounds) with whole numbers only', () => {
    const oneRound = { ...spec, series: [spec.series[1]!] }; // x = 0, 1
    expect(chartScale(oneRound).xTicks).toEqual([0, 1]);
    const labels = [...lineChart(oneRound).matchAll(/text-anchor="middle">([^<]*)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(labels).toContain('0');
    expect(labels).not.toContain('0.5');
    // fractional x keeps fractional ticks
    const fractional = {
      ...spec,
      series: [
        {
          name: 'a',
          points: [
            { x: 0, y: 0 },
            { x: 0.5, y: 1 },
          ],
        },
      ],
    };
    expect(chartScale(fractional).xTicks).toContain(0.1);
  });

  it('draws the first and last points and their error bars inside the axes, not on them', () => {
    const { px, domain } = chartScale(spec);
    expect(domain.x0).toBeLessThan(0);
    expect(domain.x1).toBeGreaterThan(2);
    // the error bar's caps (4 px either side of the point) clear the y-axis at x = 64
    expect(px(0) - 4).toBeGreaterThan(64);
  });

  it('puts the legend under the plot, so long names do not narrow the plot', () => {
    const long = {
      ...spec,
      series: spec.series.map((s, i) => ({ ...s, name: `a rather long series name number ${i}` })),
    };
    const short = chartScale(spec);
    const wide = chartScale(long);
    expect(wide.width).toBe(short.width);
    expect(wide.px(2) - wide.px(0)).toBe(short.px(2) - short.px(0));
    const legendY = [
      ...lineChart(long).matchAll(/class="legend"><line x1="[\d.]+" y1="([\d.]+)"/g),
    ];
    expect(legendY).toHaveLength(3);
    for (const m of legendY) expect(Number(m[1])).toBeGreaterThan(wide.plotBottom);
  });
});
