import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema';

const shipped = JSON.parse(
  fs.readFileSync(new URL('../../config.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('config.schema.json', () => {
  it('is up to date with the zod schema (regenerate: pnpm --filter @bomrl/trainer config-schema)', () => {
    expect(shipped).toEqual(configJsonSchema());
  });

  it('describes the fields, their bounds and the closed sets of values', () => {
    const props = shipped.properties as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(['name', 'env', 'policy', 'method', 'mode', 'meta', 'sampler']),
    );
    expect(shipped.required).toEqual(['env', 'policy', 'method']);
    expect(shipped.additionalProperties).toBe(false);
    expect(props.meta!.properties!.iterations).toMatchObject({ maximum: 1_000_000 });
    expect(props.mode).toMatchObject({ enum: ['exact', 'sampled'] });
  });
});
