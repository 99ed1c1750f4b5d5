import { validateMap } from '@bomrl/envs';

/** The cells a click cycles through (the start cell never changes). */
const CYCLE: Readonly<Record<string, string>> = { F: 'H', H: 'G', G: 'F' };

/**
 * The editable map: rows of 'S' | 'F' | 'H' | 'G'. A click cycles a cell frozen -> hole ->
 * goal -> frozen; placing a goal turns the previous goal into frozen ice, so there is at most
 * one. The start cell is fixed.
 */
export class EditableMap {
  private rows: string[][];

  constructor(map: readonly string[]) {
    this.rows = map.map((row) => [...row]);
  }

  get size(): { rows: number; cols: number } {
    return { rows: this.rows.length, cols: this.rows[0]?.length ?? 0 };
  }

  cell(r: number, c: number): string {
    return this.rows[r]?.[c] ?? '?';
  }

  /** Cycles cell (r, c); returns false for the start cell (unchanged). */
  click(r: number, c: number): boolean {
    const row = this.rows[r];
    const current = row?.[c];
    if (!row || current === undefined || current === 'S') return false;
    const next = CYCLE[current] ?? 'F';
    if (next === 'G') {
      for (const other of this.rows) {
        for (let j = 0; j < other.length; j++) if (other[j] === 'G') other[j] = 'F';
      }
    }
    row[c] = next;
    return true;
  }

  /** The map as rows of strings. */
  toRows(): string[] {
    return this.rows.map((row) => row.join(''));
  }

  /** null when the map is a valid task, else why not (@bomrl/envs's own message). */
  problem(): string | null {
    try {
      validateMap(this.toRows());
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
