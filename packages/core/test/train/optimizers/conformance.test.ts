import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createKirchhoffContainer } from '../../../src/container';
import { KirchhoffError } from '../../../src/errors';
import { Rng } from '../../../src/random/rng';
import { OPTIMIZER } from '../../../src/tokens';
import type { Optimizer, OptimizerInstance, OptimizerState } from '../../../src/train/optimizers/optimizer';
import type { TrainingOptionSpec } from '../../../src/train/optimizers/options';
import { decodeInto } from '../../../src/train/optimizers/state';
import { registerTraining } from '../../../src/train/register-training';
import { issueCodes, unwrap } from '../helpers';

const container = createKirchhoffContainer();
registerTraining(container);
const registered = container.resolveAll(OPTIMIZER);

/** Option sets each optimizer is put through; every registered optimizer must have an entry. */
const cases: Record<string, readonly Record<string, unknown>[]> = {
  adam: [{}, { weightDecay: 0.1, betas: [0.3, 0.99], eps: 1e-6 }],
  adamw: [{}, { weightDecay: 0.1, betas: [0.8, 0.99] }],
  sgd: [{}, { momentum: 0.9, weightDecay: 0.01 }, { momentum: 0.9, nesterov: true }, { momentum: 0.5, dampening: 0.2 }],
};

// An empty tensor, a masked tensor and an unmasked one: the shapes a KirchhoffNet's branch groups take.
const sizes = [5, 0, 3];
const masks = [Uint8Array.of(1, 0, 1, 1, 0), null, null];
const centre = [0.3, -1, 2, 0.5, -0.25, 1.5, -2, 0.75];
const curvature = [1, 4, 0.25, 2, 1, 0.5, 3, 1];

function freshParams(): Float64Array[] {
  return [Float64Array.of(1, -2, 0.5, 0, 3), new Float64Array(0), Float64Array.of(-1, 1, 2)];
}

/** ∇ of Σ aᵢ(θᵢ − cᵢ)²/2 over the flattened tensors, plus seeded noise so that moments differ per entry. */
function gradient(params: readonly Float64Array[], grads: Float64Array[], rng: Rng | null): void {
  let flat = 0;
  params.forEach((p, i) => {
    for (let j = 0; j < p.length; j++, flat++) grads[i][j] = curvature[flat] * (p[j] - centre[flat]) + (rng ? 0.1 * rng.normal() : 0);
  });
}

/** Runs steps [from, to) with the noise of a fixed stream, so that split runs see the same gradients. */
function run(instance: OptimizerInstance, params: Float64Array[], from: number, to: number, lrAt: (k: number) => number): void {
  const grads = sizes.map((n) => new Float64Array(n));
  for (let k = from; k < to; k++) {
    gradient(params, grads, new Rng(1000 + k));
    instance.step(params, grads, lrAt(k), masks);
  }
}

const bytes = (arrays: readonly Float64Array[]) => arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
const lrAt = (k: number) => 0.05 * (1 + Math.cos((Math.PI * k) / 40)) + 1e-3;

function decoded(state: OptimizerState, buffer: string, i: number): Float64Array {
  const out = new Float64Array(sizes[i]);
  decodeInto(state.buffers[buffer][i], out);
  return out;
}

/** A value just outside each bound the spec declares; none for a spec without bounds. */
function badValues(spec: TrainingOptionSpec): unknown[] {
  if (spec.type === 'boolean') return ['yes', 1];
  const out: unknown[] = [Number.NaN, 'a string'];
  const below = spec.min === undefined ? undefined : spec.exclusiveMin ? spec.min : spec.min - 1;
  const above = spec.max === undefined ? undefined : spec.exclusiveMax ? spec.max : spec.max + 1;
  for (const bad of [below, above]) {
    if (bad === undefined) continue;
    if (spec.type === 'pair') out.push([bad, spec.default[1]], [spec.default[0], bad]);
    else out.push(bad);
  }
  if (spec.type === 'integer') out.push(1.5);
  if (spec.type === 'pair') out.push([0.5], 0.5);
  return out;
}

describe('every registered optimizer', () => {
  it('has a case list here, and the registry holds the ids sorted', () => {
    expect(registered.map((o) => o.name)).toEqual(Object.keys(cases).sort());
  });

  describe.each(registered.map((o): [string, Optimizer] => [o.name, o]))('%s', (name, optimizer) => {
    it('has a kebab-case id and documented options whose defaults are valid', () => {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const spec of Object.values(optimizer.meta.options)) expect(spec.description.length).toBeGreaterThan(0);
      const defaults = Object.fromEntries(Object.entries(optimizer.meta.options).map(([k, spec]) => [k, spec.default]));
      expect(E.isRight(optimizer.create(defaults, sizes))).toBe(true);
      expect(unwrap(optimizer.create({}, sizes)).lr).toBe(optimizer.meta.options.lr.default);
    });

    it('rejects unknown options and every value outside an option’s declared bounds', () => {
      expect(issueCodes(optimizer.create({ learningRate: 1 }, sizes))).toEqual(['unknown-option@options.learningRate']);
      for (const [key, spec] of Object.entries(optimizer.meta.options)) {
        for (const bad of badValues(spec)) {
          expect(issueCodes(optimizer.create({ [key]: bad }, sizes, 'opt')), `${key} = ${JSON.stringify(bad)}`).toEqual([
            `invalid-option@opt.${key}`,
          ]);
        }
      }
      expect(issueCodes(optimizer.create({}, [2, 1.5]))).toEqual(['invalid-param-sizes@paramSizes']);
    });

    describe.each(cases[name].map((options) => [JSON.stringify(options), options] as const))('options %s', (_label, options) => {
      it('resumes bit for bit from a state passed through JSON', () => {
        const whole = unwrap(optimizer.create(options, sizes));
        const wholeParams = freshParams();
        run(whole, wholeParams, 0, 30, lrAt);

        const first = unwrap(optimizer.create(options, sizes));
        const splitParams = freshParams();
        run(first, splitParams, 0, 13, lrAt);
        const saved = JSON.parse(JSON.stringify(first.state())) as OptimizerState;
        const resumed = unwrap(optimizer.create(options, sizes));
        resumed.load(saved);
        expect(resumed.steps).toBe(13);
        run(resumed, splitParams, 13, 30, lrAt);

        expect(bytes(splitParams)).toEqual(bytes(wholeParams));
        expect(JSON.stringify(resumed.state())).toBe(JSON.stringify(whole.state()));
        expect(whole.steps).toBe(30);
      });

      it('leaves frozen entries, their buffers and the gradients untouched', () => {
        const instance = unwrap(optimizer.create(options, sizes));
        const params = freshParams();
        const grads = sizes.map((n) => new Float64Array(n));
        for (let k = 0; k < 5; k++) {
          gradient(params, grads, new Rng(k));
          const before = bytes(grads);
          instance.step(params, grads, 0.1, masks);
          expect(bytes(grads)).toEqual(before);
        }
        const start = freshParams()[0];
        expect([params[0][1], params[0][4]]).toEqual([start[1], start[4]]);
        expect([0, 2, 3].every((j) => params[0][j] !== start[j])).toBe(true);
        const state = instance.state();
        for (const buffer of Object.keys(state.buffers)) {
          const values = decoded(state, buffer, 0);
          expect([values[1], values[4]], buffer).toEqual([0, 0]);
          expect(values[0], buffer).not.toBe(0);
        }
      });

      it('changes nothing at learning rate 0', () => {
        const instance = unwrap(optimizer.create(options, sizes));
        const params = freshParams();
        const grads = sizes.map((n) => new Float64Array(n));
        gradient(params, grads, new Rng(7));
        const before = bytes(params);
        instance.step(params, grads, 0);
        expect(bytes(params)).toEqual(before);
      });
    });

    it('converges to the minimum of a quadratic (no weight decay, annealed learning rate)', () => {
      const instance = unwrap(optimizer.create({ weightDecay: 0 }, sizes));
      const params = freshParams();
      const grads = sizes.map((n) => new Float64Array(n));
      const steps = 3000;
      for (let k = 0; k < steps; k++) {
        gradient(params, grads, null);
        instance.step(params, grads, 0.05 * (1 + Math.cos((Math.PI * k) / steps)) / 2);
      }
      const flat = params.flatMap((p) => Array.from(p));
      flat.forEach((value, i) => expect(Math.abs(value - centre[i]), `entry ${i}`).toBeLessThan(1e-4));
    });

    it('refuses a state of other shapes or from another optimizer, and is unchanged after refusing', () => {
      const instance = unwrap(optimizer.create(cases[name][1], sizes));
      run(instance, freshParams(), 0, 3, lrAt);
      const good = instance.state();
      const other = unwrap(optimizer.create(cases[name][1], [5, 0, 4]));
      const bad: [string, unknown][] = [
        ['sizes', other.state()],
        ['optimizer', { ...good, optimizer: name === 'sgd' ? 'adam' : 'sgd' }],
        ['version', { ...good, version: 2 }],
        ['steps', { ...good, steps: -1 }],
        ['buffers', { ...good, buffers: { ...good.buffers, extra: [] } }],
        ['not an object', 'state'],
      ];
      for (const [buffer, arrays] of Object.entries(good.buffers)) {
        const truncated = arrays.map((a, i) => (i === 0 ? { ...a, base64: a.base64.slice(4) } : a));
        bad.push([`${buffer} bytes`, { ...good, buffers: { ...good.buffers, [buffer]: truncated } }]);
      }
      for (const [label, state] of bad) {
        try {
          instance.load(state as OptimizerState);
          expect.unreachable(label);
        } catch (e) {
          expect(e, label).toBeInstanceOf(KirchhoffError);
          expect((e as KirchhoffError).code, label).toBe('invalid-optimizer-state');
        }
        expect(instance.state(), label).toEqual(good);
      }
      expect(() => instance.load(other.state())).toThrow(/sizes \[5, 0, 4\].*holds \[5, 0, 3\]/);
    });

    it('checks the shapes and learning rate of every step', () => {
      const instance = unwrap(optimizer.create({}, sizes));
      const params = freshParams();
      const grads = sizes.map((n) => new Float64Array(n));
      const code = (f: () => void) => {
        try {
          f();
        } catch (e) {
          return (e as KirchhoffError).code;
        }
        return 'no error';
      };
      expect(code(() => instance.step(params.slice(0, 2), grads, 0.1))).toBe('optimizer-shape-mismatch');
      expect(code(() => instance.step(params, [grads[0], grads[1], new Float64Array(2)], 0.1))).toBe('optimizer-shape-mismatch');
      expect(code(() => instance.step(params, grads, 0.1, [new Uint8Array(4), null, null]))).toBe('optimizer-shape-mismatch');
      expect(code(() => instance.step(params, grads, -0.1))).toBe('invalid-learning-rate');
      expect(code(() => instance.step(params, grads, Number.NaN))).toBe('invalid-learning-rate');
      expect(instance.steps).toBe(0);
    });
  });
});
