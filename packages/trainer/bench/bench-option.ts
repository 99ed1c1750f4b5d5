/** The integer after `--name` on the command line (>= 1), or `fallback` when absent. */
export function integerOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs an integer >= 1`);
  return n;
}
