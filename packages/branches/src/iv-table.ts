import * as E from 'fp-ts/Either';
import { defineBranch, defineBranchFamily, type BranchType, type Issue } from '@kirchhoff/core';
import { MAX_SPLINE_KNOTS, splineLaw } from './fitting/device-laws';
import { interpolatingSpline } from './fitting/spline';
import { K_OVER_Q } from './thermal';

export interface IvTableOptions {
  /** Knot voltages, strictly increasing (V). */
  readonly voltages?: readonly number[];
  /** The current at each knot. */
  readonly currents?: readonly number[];
  /** Id of the created type; default `iv-table-<hash of the knots>`. */
  readonly name?: string;
}

/**
 * The table used when neither `voltages` nor `currents` is given, so the family has a member to show
 * and to test like `polynomial`'s default degree: the `tunnel-diode` defaults at 13 knots, 0 … 0.6 V (A).
 */
export const EXAMPLE_TABLE: { readonly voltages: readonly number[]; readonly currents: readonly number[] } = (() => {
  const voltages = Array.from({ length: 13 }, (_, k) => k / 20);
  const diode = (v: number) => 1e-3 * (v / 0.1) * Math.exp(1 - v / 0.1) + 1e-4 * Math.exp(30 * (v - 0.5)) + 1e-16 * Math.expm1(v / (K_OVER_Q * 300));
  return { voltages, currents: voltages.map(diode) };
})();

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const where = 'branch family iv-table';

/** FNV-1a over the knots' float64 bytes: the same table always gets the same id, another table another. */
function knotHash(voltages: readonly number[], currents: readonly number[]): string {
  const bytes = new Uint8Array(Float64Array.from([...voltages, ...currents]).buffer);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function problems({ voltages, currents, name }: IvTableOptions): Issue[] {
  const issue = (message: string): Issue => ({ code: 'invalid-option', where, message });
  const out: Issue[] = [];
  const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isNumberList(voltages)) out.push(issue('voltages must be a list of finite numbers (the knot voltages)'));
  if (!isNumberList(currents)) out.push(issue('currents must be a list of finite numbers (the current at each knot)'));
  if (name !== undefined && (typeof name !== 'string' || !KEBAB.test(name))) out.push(issue(`name must be a kebab-case id, got ${JSON.stringify(name)}`));
  if (out.length) return out;
  const [v, i] = [voltages!, currents!];
  if (v.length !== i.length) out.push(issue(`${v.length} voltages but ${i.length} currents`));
  if (v.length < 2 || v.length > MAX_SPLINE_KNOTS) out.push(issue(`a table needs 2 to ${MAX_SPLINE_KNOTS} knots, got ${v.length}`));
  const descent = v.findIndex((x, k) => k > 0 && !(x > v[k - 1]));
  if (descent > 0) out.push(issue(`voltages must be strictly increasing: voltages[${descent}] = ${v[descent]} follows ${v[descent - 1]}`));
  return out;
}

/**
 * A device given by its I-V table: the natural cubic spline through the knots (second derivative 0 at
 * both ends), clamped outside them so the current is flat there, as KANalogue evaluates its bases.
 * The law is written with `?:` over the intervals (see docs/iv-table.md), so its partials are the
 * spline's exact derivatives.
 */
export const ivTable = defineBranchFamily<IvTableOptions>({
  name: 'iv-table',
  meta: {
    description: 'natural cubic spline through (voltage, current) knots, flat outside them: a tabulated two-terminal device',
    options: {
      voltages: `knot voltages, strictly increasing (2 to ${MAX_SPLINE_KNOTS}); with currents, default: the tunnel-diode example table`,
      currents: 'the current at each knot (same length as voltages)',
      name: 'id of the created type (kebab-case); default iv-table-<hash of the knots>',
    },
  },
  create(given) {
    const options = given.voltages === undefined && given.currents === undefined ? { ...given, ...EXAMPLE_TABLE } : given;
    const found = problems(options);
    if (found.length) return E.left(found);
    const voltages = options.voltages!;
    const currents = options.currents!;
    const branch: BranchType = defineBranch({
      name: options.name ?? `iv-table-${knotHash(voltages, currents)}`,
      meta: {
        description: `I-V table: natural cubic spline through ${voltages.length} knots on [${voltages[0]}, ${voltages[voltages.length - 1]}] V, flat outside`,
        params: [],
        kind: 'delta',
        docsUrl: 'packages/branches/docs/iv-table.md',
      },
      current: splineLaw(interpolatingSpline(voltages, currents)),
    });
    return E.right(branch);
  },
});
