/**
 * Meta-training for the example: @bomrl/trainer's train() (checkpoints, metrics.jsonl,
 * policy.json, resume) into a fresh run directory.
 */
import fs from 'node:fs';
import { type Config, train } from '@bomrl/trainer';

/** What one training child reports back to the demo (one JSON line on stdout). */
export interface TrainingSummary {
  readonly done: true;
  readonly name: string;
  readonly method: string;
  readonly seconds: number;
  readonly pipeline: string;
}

/** Meta-trains one config into `out` (replaced if it exists). */
export async function metaTrain(
  config: Config,
  out: string,
  { log = () => {}, every = 25 }: { log?: (line: string) => void; every?: number } = {},
): Promise<TrainingSummary> {
  fs.rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const result = await train(config, {
    out,
    log,
    onProgress: ({ done, total, metrics }) => {
      if (done % every === 0 || done === 1 || done === total) {
        log(
          `${config.method.kind} it ${done}/${total}: post-adaptation ${Number(metrics.objective).toFixed(4)}, pre ${Number(metrics.preAdaptationReturn).toFixed(4)}`,
        );
      }
    },
  });
  return {
    done: true,
    name: config.name,
    method: result.method,
    seconds: (performance.now() - t0) / 1000,
    pipeline: '@bomrl/trainer train()',
  };
}
