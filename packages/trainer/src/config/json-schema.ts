import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The config schema as JSON Schema (draft 2020-12), generated from the zod schema the trainer
 * validates with, so editors can complete and check YAML/JSON configs. It describes what a file
 * may contain (fields with defaults are optional). The package ships it as
 * `@bomrl/trainer/config.schema.json`; a test keeps that file equal to this.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://unpkg.com/@bomrl/trainer/config.schema.json',
    title: 'bomrl run config',
    description:
      'Config of a bomrl run (bomrl train <config>). Unknown fields are errors; every omitted field takes its default.',
  };
}
