// Regenerates config.schema.json from the zod config schema (run after `pnpm build`):
//   pnpm --filter @bomrl/trainer config-schema
import fs from 'node:fs';
import { configJsonSchema } from '../dist/index.js';

const file = new URL('../config.schema.json', import.meta.url);
fs.writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
