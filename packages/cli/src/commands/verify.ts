import { dirname, resolve } from 'node:path';
import {
  encodeInputs,
  modelGradient,
  readOutputs,
  Rng,
  scatterOutputGradient,
  simulateModel,
  verifyAdjointTopology,
  type AdjointMethod,
  type Circuit,
  type Issue,
  type Model,
  type SolverConfig,
  type SolverSetup,
} from '@kirchhoff/core';
import type { DependencyContainer } from 'tsyringe';
import { buildSimulation } from '../config/build';
import { decodeCircuitText } from '../config/decode';
import { parseSource } from '../config/source';
import { buildTraining, type TrainingPlan } from '../config/train-build';
import { decodeTrainText, isTrainingConfig, readConfigText, trainingPlugins } from '../config/train-decode';
import { orThrow } from '../config/train-run-dir';
import { createTrainingContainer, resolveSolver, trainingRegistries } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';

export interface VerifyOptions {
  /** Neither flag: both checks. */
  readonly topology?: boolean;
  readonly grad?: boolean;
  /** Batch of the gradient check (training configs: the first samples of the training set). */
  readonly samples?: number;
  /** Parameters compared with finite differences. */
  readonly params?: number;
  /** Adjoint method; default: the config's, checkpointed for circuit files. */
  readonly adjoint?: string;
  /** Keep the configured tolerances instead of tightening them (see below). */
  readonly asConfigured?: boolean;
  readonly seed?: number;
  readonly plugin?: readonly string[];
}

export interface SliceTopologyCheck {
  readonly slice: number;
  readonly nodes: number;
  readonly edges: number;
  readonly types: readonly string[];
  readonly deltaGroups: number;
  readonly sameTopology: boolean;
  readonly deltaBranchesAreConductances: boolean;
  readonly maxRelativeError: number;
  readonly jacobian: 'full' | 'directional';
  readonly passed: boolean;
}

export interface GradientCheck {
  readonly method: string;
  readonly samples: number;
  readonly compared: number;
  /** max |adjoint − finite difference| over the compared parameters / max |adjoint gradient| over all. */
  readonly maxError: number;
  readonly worst: string;
  readonly passed: boolean;
}

export interface VerifyReport {
  readonly kind: 'training config' | 'circuit file';
  readonly topology?: readonly SliceTopologyCheck[];
  readonly grad?: GradientCheck;
  readonly passed: boolean;
  /** One issue per failed check, for the error lines and the exit code. */
  readonly failures: readonly Issue[];
}

/** Finite-difference Jacobians are accurate to ~1e-9 here; a wrong partial is off by O(1). */
export const TOPOLOGY_TOLERANCE = 1e-6;
export const GRADIENT_TOLERANCE = 1e-4;
/**
 * Adaptive solves are tightened to this for the gradient check: at a training tolerance both the
 * adjoint and the finite differences carry solver error of that order, which would hide a real
 * disagreement or report a false one. `--as-configured` keeps the configured tolerances.
 */
const CHECK_TOLERANCE = 1e-10;

/** What both file kinds reduce to: a model, a batch, a loss on its final state, the solvers and a method. */
interface Problem {
  readonly model: Model;
  readonly input: Float64Array;
  readonly batch: number;
  /** L(y(T)); writes ∂L/∂y(T) into `grad` when given. */
  readonly loss: (yT: Float64Array, grad: Float64Array | null) => number;
  readonly lossName: string;
  readonly forward: SolverSetup;
  readonly backward: SolverSetup;
  readonly method: AdjointMethod;
  readonly masks: readonly (Uint8Array | null)[];
}

const exp = (x: number) => x.toExponential(1);

function checkTopology(slices: readonly Circuit[], seed: number): SliceTopologyCheck[] {
  return slices.map((circuit, i) => {
    const report = verifyAdjointTopology(circuit, { seed: seed + 1 });
    const deltaGroups = circuit.groups.filter((g) => g.type.definition.meta.kind === 'delta').length;
    const passed = report.sameTopology && report.deltaBranchesAreConductances && report.maxRelativeError <= TOPOLOGY_TOLERANCE;
    return {
      slice: i + 1,
      nodes: circuit.numNodes,
      edges: circuit.groups.reduce((n, g) => n + g.size, 0),
      types: [...new Set(circuit.groups.map((g) => `${g.type.definition.name} (${g.type.definition.meta.kind})`))],
      deltaGroups,
      sameTopology: report.sameTopology,
      deltaBranchesAreConductances: report.deltaBranchesAreConductances,
      maxRelativeError: report.maxRelativeError,
      jacobian: report.jacobian,
      passed,
    };
  });
}

/** Adjoint gradients against central differences of the forward loss on `count` seeded parameters. */
function checkGradient(problem: Problem, count: number, seed: number): GradientCheck {
  const { model, input, batch, forward } = problem;
  const result = modelGradient({ model, input, batch, method: problem.method, forward, backward: problem.backward, loss: (yT, grad) => problem.loss(yT, grad) });
  const groups = model.slices.flatMap((s, i) => s.circuit.groups.map((g) => ({ slice: i, group: g })));
  const grads = result.paramGradients.flat();
  const scale = Math.max(...grads.map((g) => g.reduce((m, x) => Math.max(m, Math.abs(x)), 0)), 1e-300);
  // Entries drawn uniformly over all parameters, frozen ones skipped; sampled rather than listed, since
  // a large model has millions.
  const offsets = groups.reduce<number[]>((list, { group }) => [...list, list[list.length - 1] + group.params.length], [0]);
  const total = offsets[offsets.length - 1];
  const rng = new Rng(seed);
  const chosen = new Map<number, readonly [number, number]>();
  for (let attempt = 0; chosen.size < Math.min(count, total) && attempt < 100 * count; attempt++) {
    const index = rng.below(total);
    const k = offsets.findIndex((offset, i) => index < offsets[i + 1] && index >= offset);
    const j = index - offsets[k];
    if ((problem.masks[k]?.[j] ?? 1) === 1) chosen.set(index, [k, j]);
  }
  const lossAt = () => problem.loss(simulateModel({ model, input, batch, setup: forward }).final, null);
  let maxError = 0;
  let worst = '';
  for (const [k, j] of chosen.values()) {
    const params = groups[k].group.params;
    const theta = params[j];
    const h = 1e-5 * Math.max(1, Math.abs(theta));
    params[j] = theta + h;
    const plus = lossAt();
    params[j] = theta - h;
    const minus = lossAt();
    params[j] = theta;
    const error = Math.abs(grads[k][j] - (plus - minus) / (2 * h)) / scale;
    if (error >= maxError) {
      const { slice, group } = groups[k];
      maxError = error;
      worst = `slice ${slice + 1} ${group.type.definition.name} ${group.type.paramNames[Math.floor(j / group.size)]} of edge ${j % group.size}`;
    }
  }
  return { method: problem.method.name, samples: batch, compared: chosen.size, maxError, worst, passed: chosen.size > 0 && maxError <= GRADIENT_TOLERANCE };
}

/** The setup with tight tolerances, for adaptive solvers whose config allows them. */
function tightened(config: SolverConfig, setup: SolverSetup, container: DependencyContainer, where: string): SolverSetup {
  const { controller, internalControl } = setup.options;
  if (!controller?.controller.meta.adaptive && !internalControl) return setup;
  const registries = orThrow(trainingRegistries(container));
  return orThrow(resolveSolver({ ...config, rtol: CHECK_TOLERANCE, atol: CHECK_TOLERANCE }, registries, where));
}

function trainingProblem(plan: TrainingPlan, samples: number, container: DependencyContainer, asConfigured: boolean): Problem {
  const { network, train, loss } = plan;
  const B = Math.min(samples, train.count);
  const K = network.spec.readoutNodes.length;
  const rows = Int32Array.from({ length: B }, (_, i) => i);
  const input = new Float64Array(network.model.numNodes * B);
  encodeInputs(network, train.inputs, train.inputDim, rows, input);
  const targets = loss.meta.targets === 'class-index' ? Float64Array.from(rows, (r) => train.targets[r]) : Float64Array.from({ length: B * K }, (_, i) => train.targets[rows[Math.floor(i / K)] * K + (i % K)]);
  const outputs = new Float64Array(B * K);
  const gradOutputs = new Float64Array(B * K);
  const forward = asConfigured ? plan.forward : tightened(plan.solver, plan.forward, container, 'solver');
  const backwardConfig = plan.decoded.config.adjoint?.solver;
  const backward = asConfigured ? plan.backward : backwardConfig ? tightened(backwardConfig, plan.backward, container, 'adjoint.solver') : forward;
  return {
    model: network.model,
    input,
    batch: B,
    loss: (yT, grad) => {
      readOutputs(network, yT, B, outputs);
      const value = loss.evaluate(outputs, B, K, targets, grad && gradOutputs);
      if (grad) scatterOutputGradient(network, gradOutputs, B, grad);
      return value;
    },
    lossName: loss.name,
    forward,
    backward,
    method: plan.method,
    masks: network.masks,
  };
}

/** MSE to zero on every node: a loss every circuit has, so any circuit file's adjoint can be checked. */
function mseToZero(yT: Float64Array, grad: Float64Array | null): number {
  let sum = 0;
  for (let i = 0; i < yT.length; i++) {
    sum += yT[i] * yT[i];
    if (grad) grad[i] = (2 * yT[i]) / yT.length;
  }
  return sum / yT.length;
}

async function circuitProblem(file: string, text: string, options: VerifyOptions, io: CliIo): Promise<{ problem: Problem; circuits: Circuit[] }> {
  const decoded = orThrow(decodeCircuitText(file, text, dirname(resolve(io.cwd, file))));
  const plugins = await pluginsFor(decoded, options.plugin ?? [], io.cwd);
  const container = createTrainingContainer(plugins);
  const plan = orThrow(buildSimulation(decoded, container));
  const registries = orThrow(trainingRegistries(container));
  const method = options.adjoint ?? 'checkpointed';
  if (!registries.adjointMethods.has(method)) {
    const known = registries.adjointMethods.list().map((m) => m.name).join(', ');
    throw new CliError([{ ...issueIn(file, 'unknown-adjoint-method', `unknown adjoint method '${method}'; known: ${known}`), where: '--adjoint' }]);
  }
  const forward = options.asConfigured ? plan.setup : tightened(plan.solver, plan.setup, container, 'solver');
  const masks = plan.model.slices.flatMap((s) => s.circuit.groups.map(() => null));
  const problem: Problem = { model: plan.model, input: plan.input, batch: plan.batch, loss: mseToZero, lossName: 'mse to 0 on all nodes', forward, backward: forward, method: registries.adjointMethods.byName(method), masks };
  return { problem, circuits: plan.model.slices.map((s) => s.circuit) };
}

function reportText(file: string, report: Omit<VerifyReport, 'passed' | 'failures'>, problem: Problem): string {
  const lines = [`${file}: ${report.kind}`];
  if (report.topology) {
    lines.push('adjoint circuit (same-topology theorem), per slice:');
    for (const s of report.topology) {
      const delta = s.deltaGroups ? (s.deltaBranchesAreConductances ? 'conductances' : 'NOT conductances') : 'none';
      lines.push(
        `  slice ${s.slice}: ${s.nodes} nodes, ${s.nodes} capacitors, ${s.edges} edges of ${s.types.join(', ')}: ` +
          `same nodes/capacitors/edges ${s.sameTopology ? 'yes' : 'NO'}; Δ-type branches ${delta}; ` +
          `max relative error ${exp(s.maxRelativeError)} vs a finite-difference Jacobian (${s.jacobian}) — ${s.passed ? 'ok' : 'FAILED'}`,
      );
    }
  }
  if (report.grad) {
    const g = report.grad;
    lines.push(`gradient check: ${g.method} adjoint, ${problem.forward.solver.name}, ${g.samples} samples, loss ${problem.lossName}`);
    lines.push(`  ${g.compared} parameters: max |adjoint − central difference| / max |gradient| = ${exp(g.maxError)} (worst: ${g.worst}) — ${g.passed ? 'ok' : 'FAILED'} (tolerance ${exp(GRADIENT_TOLERANCE)})`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `kirchhoff verify <file>`: checks the adjoint of a training config's or circuit file's model. The
 * report goes to stdout; failed checks come back in `failures` (the program exits 1 on them).
 */
export async function verifyCommand(file: string, options: VerifyOptions, io: CliIo): Promise<VerifyReport> {
  const text = orThrow(await readConfigText(file, io.cwd));
  const source = orThrow(parseSource(file, text));
  const both = !options.topology && !options.grad;
  const seed = options.seed ?? 0;
  let problem: Problem;
  let circuits: Circuit[];
  let kind: VerifyReport['kind'];
  if (isTrainingConfig(source.value)) {
    const decoded = orThrow(decodeTrainText(file, text, dirname(resolve(io.cwd, file))));
    const container = createTrainingContainer(await trainingPlugins(decoded, options.plugin ?? [], io.cwd));
    const plan = orThrow(await buildTraining(decoded, container, { cwd: io.cwd, ...(options.adjoint !== undefined && { adjoint: options.adjoint }) }));
    problem = trainingProblem(plan, options.samples ?? 8, container, options.asConfigured ?? false);
    circuits = plan.network.model.slices.map((s) => s.circuit);
    kind = 'training config';
  } else {
    ({ problem, circuits } = await circuitProblem(file, text, options, io));
    kind = 'circuit file';
  }
  const topology = both || options.topology ? checkTopology(circuits, seed) : undefined;
  const grad = both || options.grad ? checkGradient(problem, options.params ?? 20, seed) : undefined;
  const failures: Issue[] = [];
  const bad = topology?.filter((s) => !s.passed) ?? [];
  if (bad.length) failures.push({ code: 'adjoint-topology-failed', where: file, message: `the adjoint circuit check failed on slice ${bad.map((s) => s.slice).join(', ')}` });
  if (grad && !grad.passed) failures.push({ code: 'gradient-check-failed', where: file, message: `the ${grad.method} gradient is off by ${exp(grad.maxError)} of the largest gradient (tolerance ${exp(GRADIENT_TOLERANCE)})` });
  const report = { kind, ...(topology && { topology }), ...(grad && { grad }) };
  io.out(reportText(file, report, problem));
  return { ...report, passed: failures.length === 0, failures };
}
