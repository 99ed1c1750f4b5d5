/**
 * Command-line options shared by the lower-level benches and probes: `--name value` pairs and
 * flags, with pnpm's `--` separator ignored.
 */
export const args = process.argv.slice(2).filter((a) => a !== '--');

/** The number after `--name`, or `fallback` when the option is absent. */
export function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
