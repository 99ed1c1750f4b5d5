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
    expect(svg.match(/class="legend"/g)).toHaveLength(2);
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
  });
});
