import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../src/errors';
import { createMath } from '../src/math';
import { Rng } from '../src/random/rng';
import { compileBranchType, type BranchType, type CompiledBranchType } from '../src/symbolic/branch-type';
import { FunctionTable } from '../src/symbolic/function-table';
import type { FunctionRule } from '../src/symbolic/functions';
import { KirchhoffError } from '../src/errors';
import { ngspiceAvailable } from '../src/spice/ngspice';
import { probeLawInNgspice } from '../src/spice/probe';
import { translateBranchType } from '../src/spice/translate';
import { simdAgreement } from './simd-agreement';

/** A point with a known current: `theta` in parameter order. */
export interface ValidCase {
  readonly vs: number;
  readonly vd: number;
  readonly theta: readonly number[];
  readonly current: number;
  readonly tolerance?: number;
}

/** A broken variant of the definition and the error code it must produce. */
export interface InvalidCase {
  readonly description: string;
  readonly definition: BranchType;
  readonly code: string;
}

export interface BranchTesterOptions {
  readonly valid?: readonly ValidCase[];
  readonly invalid?: readonly InvalidCase[];
  /** Extra derivative rules the branch needs (a plugin's own functions). */
  readonly functions?: readonly FunctionRule[];
  /** Draws one evaluation point; default: voltages N(0, 1), parameters from bounds, numeric init or N(0, 1). */
  readonly samplePoint?: (rng: Rng) => { vs: number; vd: number; theta: number[] };
  /** Random points per check (default 200). */
  readonly points?: number;
  readonly seed?: number;
  /** Relative tolerance of symbolic partials against central differences (default 1e-6). */
  readonly derivativeTolerance?: number;
  /**
   * The SPICE round trip (default on): ngspice evaluates the exported B-source at `points` random points
   * and must give the law's current to `tolerance` (relative, default 1e-7, with an absolute floor of
   * 1e-9 of the largest current seen: ngspice reads B-source number literals to 11 significant digits,
   * and a law that cancels large terms, like a polynomial, magnifies that rounding). A law SPICE cannot express must be refused with a clear
   * `spice-unsupported-function` error instead. Without ngspice the check fails under CI (`CI` set) and
   * is skipped elsewhere. `false` turns it off.
   */
  readonly spice?: false | { readonly points?: number; readonly tolerance?: number };
}

let ngspiceChecked: boolean | undefined;
/** Whether ngspice runs here, asked once per process. */
export function haveNgspice(): boolean {
  ngspiceChecked ??= ngspiceAvailable();
  return ngspiceChecked;
}

/**
 * `describe` for tests that run ngspice: skipped where ngspice is not installed, but failing under CI
 * (`CI` set), where .ci/run installs it, so that a broken install cannot pass as skipped tests.
 */
export function describeWithNgspice(name: string, body: () => void): void {
  if (haveNgspice()) describe(name, body);
  else if (process.env.CI) {
    describe(name, () => {
      it('needs ngspice', () => expect.fail('ngspice is not on PATH; .ci/run installs it (apt-get install ngspice)'));
    });
  } else describe.skip(`${name} (ngspice is not installed: apt-get install ngspice)`, body);
}

/**
 * The conformance suite every branch type runs with one call, in the spirit of ESLint's RuleTester.
 * It checks the definition's shape, the compiled kernels against mathjs's own evaluation of the law, the
 * symbolic partials against central finite differences, the `delta` claim, and that kernels never write
 * their inputs. A user's plugin runs the same suite from its own tests.
 */
export const BranchTester = {
  run(name: string, branch: BranchType, options: BranchTesterOptions = {}): void {
    const functions = new FunctionTable(options.functions ?? []);
    const math = createMath(functions.list());
    const seed = options.seed ?? 20240601;
    const count = options.points ?? 200;

    describe(`branch type ${name}`, () => {
      const compiled = compileBranchType(branch, functions);
      const get = (): CompiledBranchType => {
        if (E.isLeft(compiled)) throw new Error(compiled.left.map((i) => i.message).join('\n'));
        return compiled.right;
      };
      const sample = options.samplePoint ?? defaultSampler(branch);
      const compiledLaw = math.compile(branch.current);
      const reference = (vs: number, vd: number, theta: readonly number[]): number => {
        const scope: Record<string, number> = { vs, vd };
        branch.meta.params.forEach((p, k) => (scope[p.name] = theta[k]));
        return compiledLaw.evaluate(scope) as number;
      };

      it('has a kebab-case id equal to its registered name, and compiles', () => {
        expect(branch.name).toBe(name);
        expect(branch.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
        if (E.isLeft(compiled)) expect.fail(compiled.left.map((i: Issue) => `${i.code}: ${i.message}`).join('\n'));
      });

      it('generated kernels match mathjs evaluation of the law', () => {
        const type = get();
        const rng = new Rng(seed);
        for (let i = 0; i < count; i++) {
          const { vs, vd, theta } = sample(rng);
          const expected = reference(vs, vd, theta);
          const actual = type.law.evaluateAt([vs, vd], theta).currents[0];
          expect(actual, `I(vs=${vs}, vd=${vd}, θ=${theta})`).toBeCloseTo(expected, relDigits(expected));
        }
      });

      it('batched rhs, jvp and vjp kernels agree with the scalar law and leave inputs unchanged', () => {
        checkBatchedKernels(get(), sample, reference, new Rng(seed + 1));
      });

      it('SIMD (WebAssembly f64x2) kernels agree with the JavaScript kernels to rounding, or the law has none', () => {
        const type = get();
        const differences = simdAgreement(type.law, (r) => {
          const { vs, vd, theta } = sample(r);
          return { voltages: [vs, vd], params: theta };
        }, seed + 6);
        if (differences === undefined) {
          // Only laws calling a non-Math function run on the JavaScript kernels alone.
          expect(type.law.simdKernels()).toBeUndefined();
          return;
        }
        for (const [product, difference] of Object.entries(differences)) expect(difference, product).toBeLessThan(1e-12);
      });

      it(`symbolic partials match central finite differences (relative ${options.derivativeTolerance ?? 1e-6})`, () => {
        checkPartials(get(), sample, new Rng(seed + 2), count, options.derivativeTolerance ?? 1e-6);
      });

      it('unused parameters have zero derivative everywhere', () => {
        const type = get();
        const rng = new Rng(seed + 3);
        const unused = branch.meta.params.flatMap((p, k) => (p.unused ? [k] : []));
        for (let i = 0; i < 20; i++) {
          const { vs, vd, theta } = sample(rng);
          const { dTheta } = type.law.evaluateAt([vs, vd], theta);
          for (const k of unused) expect(dTheta[k]).toBe(0);
        }
      });

      if (branch.meta.kind === 'delta') {
        it("is a 'delta' law: adding a constant to both terminals leaves the current unchanged", () => {
          const type = get();
          const rng = new Rng(seed + 4);
          for (let i = 0; i < count; i++) {
            const { vs, vd, theta } = sample(rng);
            const shift = rng.normal() * 2;
            const a = type.law.evaluateAt([vs, vd], theta).currents[0];
            const b = type.law.evaluateAt([vs + shift, vd + shift], theta).currents[0];
            expect(b).toBeCloseTo(a, relDigits(a) - 4);
          }
        });
      }

      if (options.spice !== false) spiceRoundTrip(branch, compiled, functions, sample, seed + 5, options.spice ?? {});

      for (const c of options.valid ?? []) {
        it(`valid: I(vs=${c.vs}, vd=${c.vd}, θ=[${c.theta.join(', ')}]) = ${c.current}`, () => {
          const actual = get().law.evaluateAt([c.vs, c.vd], c.theta).currents[0];
          expect(Math.abs(actual - c.current)).toBeLessThanOrEqual(c.tolerance ?? 1e-12 * Math.max(1, Math.abs(c.current)));
        });
      }
      for (const c of options.invalid ?? []) {
        it(`invalid: ${c.description} → ${c.code}`, () => {
          const result = compileBranchType(c.definition, functions);
          expect(E.isLeft(result)).toBe(true);
          if (E.isLeft(result)) expect(result.left.map((i) => i.code)).toContain(c.code);
        });
      }
    });
  },
};

/**
 * The law through ngspice: the exported B-source at random points against the compiled kernels. Points
 * where the law exceeds 1e80 (or is not finite) are left out: ngspice limits exp(x) to x ≤ 227.96
 * (e^x ≤ 1e99) for convergence, where Kirchhoff's kernels compute the true value.
 */
function spiceRoundTrip(
  branch: BranchType,
  compiled: E.Either<Issue[], CompiledBranchType>,
  functions: FunctionTable,
  sample: Sampler,
  seed: number,
  settings: { readonly points?: number; readonly tolerance?: number },
): void {
  if (E.isLeft(compiled)) return;
  let refusal: KirchhoffError | undefined;
  try {
    translateBranchType(compiled.right, functions);
  } catch (err) {
    if (!(err instanceof KirchhoffError)) throw err;
    refusal = err;
  }
  if (refusal) {
    const error = refusal;
    it(`SPICE export: not expressible, refused with a clear error (${error.code})`, () => {
      expect(error.code).toBe('spice-unsupported-function');
      expect(error.message).toContain(`'${branch.name}'`);
      expect(error.message).toContain(`'${String(error.details.function)}'`);
    });
    return;
  }
  const available = haveNgspice();
  if (!available && !process.env.CI) {
    it.skip('SPICE round trip (ngspice is not installed: apt-get install ngspice)', () => {});
    return;
  }
  const tolerance = settings.tolerance ?? 1e-7;
  it(`SPICE round trip: ngspice evaluates the exported B-source to the law's current (relative ${tolerance})`, async () => {
    expect(available, 'ngspice is not on PATH; CI installs it in .ci/run (apt-get install ngspice)').toBe(true);
    const type = compiled.right;
    const rng = new Rng(seed);
    const points = Array.from({ length: settings.points ?? 40 }, () => sample(rng)).filter((p) => {
      const current = type.law.evaluateAt([p.vs, p.vd], p.theta).currents[0];
      return Number.isFinite(current) && Math.abs(current) <= 1e80;
    });
    expect(points.length, 'points where the law is finite and below 1e80').toBeGreaterThanOrEqual((settings.points ?? 40) / 2);
    const spice = await probeLawInNgspice(type, points, functions);
    const expected = points.map((p) => type.law.evaluateAt([p.vs, p.vd], p.theta).currents[0]);
    const floor = 1e-9 * Math.max(...expected.map(Math.abs));
    points.forEach((p, k) => {
      const error = Math.abs(spice[k] - expected[k]);
      expect(error, `I(vs=${p.vs}, vd=${p.vd}, θ=[${p.theta.join(', ')}]): ngspice ${spice[k]}, Kirchhoff ${expected[k]}`).toBeLessThanOrEqual(tolerance * Math.abs(expected[k]) + floor);
    });
  });
}

/** Number of decimal digits `toBeCloseTo` should check for roughly 1e-12 relative agreement. */
function relDigits(value: number): number {
  return Math.max(0, Math.min(12, 12 - Math.ceil(Math.log10(Math.max(1, Math.abs(value))))));
}

function defaultSampler(branch: BranchType) {
  return (rng: Rng) => ({
    vs: rng.normal(),
    vd: rng.normal(),
    theta: branch.meta.params.map((p) => {
      if (p.bounds) return p.bounds[0] + (p.bounds[1] - p.bounds[0]) * (0.05 + 0.9 * rng.uniform());
      if (typeof p.init === 'number' && p.init !== 0) return p.init * (1 + 0.1 * rng.normal());
      return rng.normal();
    }),
  });
}

type Sampler = (rng: Rng) => { vs: number; vd: number; theta: number[] };

function checkPartials(type: CompiledBranchType, sample: Sampler, rng: Rng, count: number, tolerance: number): void {
  let checked = 0;
  for (let i = 0; i < count; i++) {
    const { vs, vd, theta } = sample(rng);
    const x = [vs, vd, ...theta];
    const f = (z: number[]) => type.law.evaluateAt([z[0], z[1]], z.slice(2)).currents[0];
    const at = type.law.evaluateAt([vs, vd], theta);
    const symbolic = [...at.dV, ...at.dTheta];
    const scale = Math.max(...symbolic.map(Math.abs), 1e-300);
    let smooth = true;
    const noise: number[] = [];
    const numeric = x.map((xi, k) => {
      const h = 1e-5 * Math.max(1, Math.abs(xi));
      const shifted = (d: number) => f(x.map((z, j) => (j === k ? z + d : z)));
      const [m2, m1, p1, p2] = [shifted(-h), shifted(-h / 2), shifted(h / 2), shifted(h)];
      // Rounding in f limits what a difference quotient can resolve.
      noise[k] = 1e-15 * Math.max(Math.abs(m2), Math.abs(p2), Math.abs(at.currents[0])) / h;
      const coarse = (p2 - m2) / (2 * h);
      const fine = (p1 - m1) / h;
      // On a smooth law the two central differences agree to O(h²); a kink inside the stencil breaks that.
      if (Math.abs(coarse - fine) > 1e-6 * scale + 100 * noise[k]) smooth = false;
      return fine;
    });
    if (!smooth) continue;
    checked++;
    numeric.forEach((n, k) => {
      const err = Math.abs(n - symbolic[k]) / Math.max(scale, Math.abs(n));
      const allowed = tolerance + (100 * noise[k]) / Math.max(scale, Math.abs(n));
      expect(err, `∂I/∂${k < 2 ? (k === 0 ? 'vs' : 'vd') : `θ${k - 2}`} at ${x.join(', ')}: symbolic ${symbolic[k]}, finite difference ${n}`).toBeLessThanOrEqual(allowed);
    });
  }
  expect(checked, 'points away from kinks').toBeGreaterThan(count * 0.8);
}

/**
 * Builds a random multigraph over a few nodes and a batch, runs each kernel once, and compares with
 * the scatter of scalar reference currents (rhs), with J·u and Jᵀ·a assembled from scalar partials.
 */
function checkBatchedKernels(
  type: CompiledBranchType,
  sample: Sampler,
  reference: (vs: number, vd: number, theta: readonly number[]) => number,
  rng: Rng,
): void {
  const nodes = 5;
  const B = 3;
  const edges = 12;
  const P = type.paramNames.length;
  const src = new Int32Array(edges);
  const dst = new Int32Array(edges);
  const params = new Float64Array(P * edges);
  for (let e = 0; e < edges; e++) {
    src[e] = rng.below(nodes + 1);
    do dst[e] = rng.below(nodes + 1);
    while (dst[e] === src[e]);
    const { theta } = sample(rng);
    theta.forEach((t, k) => (params[k * edges + e] = t));
  }
  const full = (nodes + 1) * B;
  const v = new Float64Array(full);
  const u = new Float64Array(full);
  const a = new Float64Array(full);
  for (let i = B; i < full; i++) {
    const point = sample(rng);
    v[i] = point.vs;
    u[i] = rng.normal();
    a[i] = rng.normal();
  }
  const frozen = [v.slice(), u.slice(), a.slice(), params.slice()];
  const conn = [src, dst];
  const k = type.law.kernels;

  const rhs = new Float64Array(full);
  k.rhs(0, edges, B, conn, params, edges, v, rhs);
  const jvp = new Float64Array(full);
  const f = new Float64Array(full);
  k.jvp(0, edges, B, conn, params, edges, v, u, jvp, f);
  const vjp = new Float64Array(full);
  const grad = new Float64Array(P * edges);
  const f2 = new Float64Array(full);
  k.vjp(0, edges, B, conn, params, edges, v, a, vjp, grad, f2);

  const expRhs = new Float64Array(full);
  const expJvp = new Float64Array(full);
  const expVjp = new Float64Array(full);
  const expGrad = new Float64Array(P * edges);
  for (let e = 0; e < edges; e++) {
    const theta = Array.from({ length: P }, (_, j) => params[j * edges + e]);
    for (let b = 0; b < B; b++) {
      const s = src[e] * B + b;
      const d = dst[e] * B + b;
      const I = reference(v[s], v[d], theta);
      const pt = type.law.evaluateAt([v[s], v[d]], theta);
      expRhs[s] -= I;
      expRhs[d] += I;
      const dI = pt.dV[0] * u[s] + pt.dV[1] * u[d];
      expJvp[s] -= dI;
      expJvp[d] += dI;
      const w = a[d] - a[s];
      expVjp[s] += pt.dV[0] * w;
      expVjp[d] += pt.dV[1] * w;
      for (let j = 0; j < P; j++) expGrad[j * edges + e] += pt.dTheta[j] * w;
    }
  }
  const close = (actual: Float64Array, expected: Float64Array, what: string, skipGround = true) => {
    for (let i = skipGround ? B : 0; i < actual.length; i++) {
      expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
    }
  };
  close(rhs, expRhs, 'rhs');
  close(f, expRhs, 'jvp fused f');
  close(f2, expRhs, 'vjp fused f');
  close(jvp, expJvp, 'jvp');
  close(vjp, expVjp, 'vjp');
  close(grad, expGrad, 'parameter gradient', false);
  [v, u, a, params].forEach((arr, i) => expect(Array.from(arr), 'inputs unchanged').toEqual(Array.from(frozen[i])));
}
