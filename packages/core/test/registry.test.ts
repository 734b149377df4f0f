import { describe, expect, it } from 'vitest';
import { Registry } from '../src/registry';

describe('Registry', () => {
  const items = [{ name: 'shift-relu-1', aliases: ['ShiftRelu1'] }, { name: 'conductance' }];

  it('finds by id and alias and lists sorted', () => {
    const r = new Registry('branch type', items);
    expect(r.byName('ShiftRelu1')).toBe(items[0]);
    expect(r.list().map((i) => i.name)).toEqual(['conductance', 'shift-relu-1']);
  });

  it('names the known ids when an id is unknown', () => {
    const r = new Registry('solver', items);
    expect(() => r.byName('rk45')).toThrow("unknown solver 'rk45'; known: conductance, shift-relu-1");
    try {
      r.byName('rk45');
    } catch (e) {
      expect((e as { code: string }).code).toBe('unknown-solver');
    }
  });

  it('rejects duplicate ids and aliases', () => {
    expect(() => new Registry('branch type', [...items, { name: 'x', aliases: ['conductance'] }])).toThrow(/registered twice/);
  });
});
