/** The demo's three SVG plots, all drawn from results.json and the runs' metrics. */
import { lineChart, RunDirectory } from '@bomrl/trainer';
import type { DemoResults } from './results';
import { round } from './results';
import type { DemoRun } from './runs';

/** File name -> SVG text. */
export function demoCharts(results: DemoResults, runs: readonly DemoRun[]): Record<string, string> {
  const evaluated = results.methods;
  const main = evaluated.filter((m) => !m.diagnostic);
  const firstMethod = evaluated[0];
  if (!firstMethod) throw new Error('demoCharts: no evaluated methods');
  const jStar = round(firstMethod, 0).optimalReturn;
  const testTerm = results.theory.varianceTerm[1];
  return {
    'adaptation.svg': lineChart({
      title: `Held-out maps: exact return after k adaptation rounds (mean ± s.e., ${firstMethod.tasks} maps)`,
      xLabel: 'adaptation round',
      yLabel: 'exact discounted return J',
      series: evaluated.map((m) => ({
        name: m.label,
        points: m.rounds.map((r) => ({ x: r.round, y: r.mean, error: r.stderr })),
      })),
      reference: { y: jStar, label: `mean J* ${jStar.toFixed(3)}` },
    }),
    'optimality-gap.svg': lineChart({
      title: 'Held-out maps: optimality gap J* - J after k rounds (mean ± s.e.)',
      xLabel: 'adaptation round',
      yLabel: 'optimality gap',
      series: main.map((m) => ({
        name: m.label,
        points: m.rounds.map((r) => ({
          x: r.round,
          y: r.optimalityGap.mean,
          error: r.optimalityGap.stderr,
        })),
      })),
      ...(testTerm
        ? {
            reference: {
              y: testTerm.value,
              label: `lambda_test Var = ${testTerm.value.toFixed(4)}`,
            },
          }
        : {}),
    }),
    'training.svg': lineChart({
      title: 'Meta-training: post-adaptation objective on the meta-batch',
      xLabel: 'meta-iteration',
      yLabel: 'mean exact return after the training-time adaptation',
      series: runs.map((r) => ({
        name: r.id,
        points: new RunDirectory(r.dir)
          .readMetrics()
          .map((row) => ({ x: row.iteration, y: Number(row.objective) })),
      })),
    }),
  };
}
