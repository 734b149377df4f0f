import * as E from 'fp-ts/Either';
import { KirchhoffError, type Issue } from '../errors';
import type { SimulationRequest, SimulationResult } from '../model/simulate';
import { compileScalarProgram, type SymbolBinding } from '../symbolic/codegen';
import { parseExpression } from '../symbolic/expression';
import { FunctionTable } from '../symbolic/function-table';
import { stripParentheses } from '../symbolic/tree';
import { KclDynamics } from './kcl-dynamics';
import { solve } from '../ode/solve';
import { sliceBoundaries } from '../model/model';

/**
 * An energy (Lyapunov) function of a circuit's state, evaluated per sample along trajectories. DenseAMs
 * build theirs from their Lagrangians (`denseam/energy.ts`); any circuit can be given one as a symbolic
 * expression in the node voltages v1..vN (`compileEnergyExpression`), e.g. `0.5*v1^2 + 0.5*(v1 - v2)^2`.
 */
export interface EnergyFunction {
  /** E per sample: y is the state (row n − 1 holds node n, batch innermost), out has B entries. */
  evaluate(y: Float64Array, batch: number, out: Float64Array): void;
}

export function compileEnergyExpression(text: string, numNodes: number, functions = new FunctionTable(), where = 'energy'): E.Either<Issue[], EnergyFunction> {
  const symbols = Array.from({ length: numNodes }, (_, n) => `v${n + 1}`);
  // A long energy spans lines (YAML block scalars); mathjs would read a newline as a new statement.
  const parsed = parseExpression(text.replace(/\s*\n\s*/g, ' '), { owner: where, symbols, functions });
  if (E.isLeft(parsed)) return parsed;
  const bindings = new Map<string, SymbolBinding>(symbols.map((s, n) => [s, { identifier: `x${n}`, perSample: true }] as const));
  const program = compileScalarProgram([stripParentheses(parsed.right)], bindings, functions);
  const body = [
    'for (let b = 0; b < B; b++) {',
    ...symbols.map((_, n) => `  const x${n} = y[${n} * B + b];`),
    ...program.sampleStatements.map((s) => `  ${s}`),
    `  out[b] = ${program.outputs[0]};`,
    '}',
  ];
  // Generated from the parsed tree only (codegen.ts), never from the user's text.
  const kernel = new Function('y', 'B', 'out', `'use strict';\n${program.elementStatements.join('\n')}\n${body.join('\n')}`) as (y: Float64Array, B: number, out: Float64Array) => void;
  return E.right({ evaluate: (y, B, out) => kernel(y, B, out) });
}

/** Tracks the largest increase of E between consecutive observed states, per sample. */
export class EnergyMonitor {
  readonly maxIncrease: Float64Array;
  readonly initial: Float64Array;
  private readonly previous: Float64Array;
  private readonly current: Float64Array;
  private started = false;
  steps = 0;

  constructor(
    readonly energy: EnergyFunction,
    readonly batch: number,
  ) {
    this.maxIncrease = new Float64Array(batch).fill(-Infinity);
    this.initial = new Float64Array(batch);
    this.previous = new Float64Array(batch);
    this.current = new Float64Array(batch);
  }

  observe(y: Float64Array): void {
    this.energy.evaluate(y, this.batch, this.current);
    if (!this.started) {
      this.initial.set(this.current);
      this.started = true;
    } else {
      this.steps++;
      for (let b = 0; b < this.batch; b++) this.maxIncrease[b] = Math.max(this.maxIncrease[b], this.current[b] - this.previous[b]);
    }
    this.previous.set(this.current);
  }

  get final(): Float64Array {
    return this.previous.slice();
  }

  /** Throws `energy-increased` when some step raised E by more than `tolerance` (the solver's own error level). */
  assertNonIncreasing(tolerance: number): void {
    const worst = this.maxIncrease.reduce((w, x, b) => (x > this.maxIncrease[w] ? b : w), 0);
    if (this.maxIncrease[worst] > tolerance) {
      throw new KirchhoffError('energy-increased', `the energy rose by ${this.maxIncrease[worst].toExponential(3)} in one step (sample ${worst}), more than the tolerance ${tolerance}`, { sample: worst });
    }
  }
}

/**
 * `simulateModel` (same slices, save times and statistics) that also evaluates the energy at the start and
 * after every accepted step of every slice.
 */
export function simulateWithEnergy(request: SimulationRequest, energy: EnergyFunction): SimulationResult & { readonly energy: EnergyMonitor } {
  const { model, batch, setup } = request;
  const spans = sliceBoundaries(model);
  const saveAt = request.saveAt ?? spans.map((s) => s.t1);
  if (request.input.length !== model.numNodes * batch) {
    throw new KirchhoffError('input-size', `input has ${request.input.length} values; expected ${model.numNodes} nodes × ${batch} samples`);
  }
  const monitor = new EnergyMonitor(energy, batch);
  monitor.observe(request.input);
  const states: Float64Array[] = [];
  const perSlice: SimulationResult['perSlice'][number][] = [];
  let y = request.input;
  let next = 0;
  model.slices.forEach((slice, i) => {
    const local: number[] = [];
    while (next < saveAt.length && saveAt[next] <= spans[i].t1) local.push(saveAt[next++]);
    const term = new KclDynamics(slice.circuit, batch);
    const solution = solve(term, setup.solver, { ...setup.options, t0: spans[i].t0, t1: spans[i].t1, y0: y, saveAt: local, onStep: (step) => monitor.observe(step.y1) });
    states.push(...solution.ys);
    perSlice.push(solution.stats);
    y = solution.yFinal;
  });
  return { times: [...saveAt], states, final: y, perSlice, energy: monitor };
}
