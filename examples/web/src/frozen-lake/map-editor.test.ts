import { describe, expect, it } from 'vitest';
import { EditableMap } from './map-editor';

describe('EditableMap', () => {
  it('cycles a cell frozen -> hole -> goal -> frozen, keeping one goal', () => {
    const map = new EditableMap(['SFF', 'FFF', 'FFG']);
    expect(map.click(0, 2)).toBe(true);
    expect(map.toRows()).toEqual(['SFH', 'FFF', 'FFG']);
    map.click(0, 2); // hole -> goal: the old goal becomes ice
    expect(map.toRows()).toEqual(['SFG', 'FFF', 'FFF']);
    map.click(0, 2); // goal -> frozen: no goal left
    expect(map.toRows()).toEqual(['SFF', 'FFF', 'FFF']);
    expect(map.problem()).toMatch(/exactly one goal/);
  });

  it('never changes the start cell', () => {
    const map = new EditableMap(['SF', 'FG']);
    expect(map.click(0, 0)).toBe(false);
    expect(map.click(5, 5)).toBe(false);
    expect(map.toRows()).toEqual(['SF', 'FG']);
  });

  it("reports @bomrl/envs's reason when holes cut every path to the goal", () => {
    const map = new EditableMap(['SFF', 'FFF', 'FFG']);
    expect(map.problem()).toBeNull();
    map.click(0, 1);
    map.click(1, 0);
    expect(map.problem()).toMatch(/no path from 'S' to 'G'/);
  });
});
