import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import { createCircuit } from '../circuit/circuit';
import { createModel, type Model } from '../model/model';
import { initializeParams } from '../random/init';
import type { Rng } from '../random/rng';
import type { CompiledBranchType } from '../symbolic/branch-type';
import type { AdjointMethod } from '../adjoint/adjoint-method';
import { modelGradient } from '../adjoint/model-gradient';
import { KirchhoffError } from '../errors';
import { simulateModel } from '../model/simulate';
import type { SolverSetup } from '../ode/config';
import type { TrainableModel } from './trainable-model';

/** One slice of a network: a branch type over a topology, run for `duration`. */
export interface NetworkSliceSpec {
  readonly duration: number;
  readonly type: CompiledBranchType;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** P×E parameters; drawn from the type's init (fan-in = E of the slice) when absent. */
  readonly params?: Float64Array;
}

export interface NetworkSpec {
  /** Non-ground nodes N. */
  readonly numNodes: number;
  readonly capacitance?: number | ArrayLike<number>;
  readonly slices: readonly NetworkSliceSpec[];
  /** Node (1..N) that receives input feature d as its initial voltage; every other node starts at 0 V. */
  readonly inputNodes: readonly number[];
  /** Nodes whose voltages at the end are the outputs (logits for classification). */
  readonly readoutNodes: readonly number[];
}

/**
 * A KirchhoffNet as a trainable function: the model, its parameter tensors (the very arrays the model's
 * circuits read, so an optimizer's in-place update changes the model), the trainable masks, and the
 * maps from features to initial voltages and from final voltages to outputs.
 */
export interface Network {
  readonly spec: NetworkSpec;
  readonly model: Model;
  /** Every group's P×E parameter block, slice by slice. */
  readonly params: readonly Float64Array[];
  /** Per block: 1 where trainable, 0 for non-trainable or unused rows; null when all are trainable. */
  readonly masks: readonly (Uint8Array | null)[];
}

export function buildNetwork(spec: NetworkSpec, rng: Rng, where = 'model'): E.Either<Issue[], Network> {
  const issues: Issue[] = [];
  const N = spec.numNodes;
  const checkNodes = (nodes: readonly number[], field: string) =>
    nodes.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 1 || n > N) issues.push({ code: 'node-out-of-range', where: `${where}.${field}[${i}]`, message: `node ${n} is not one of 1..${N}` });
    });
  checkNodes(spec.inputNodes, 'input');
  checkNodes(spec.readoutNodes, 'readout');
  if (spec.readoutNodes.length === 0) issues.push({ code: 'no-readout', where: `${where}.readout`, message: 'at least one readout node is needed' });
  const slices = spec.slices.map((s, i) => {
    const E_ = s.src.length;
    const params = s.params ?? initializeParams(s.type, E_, E_, rng);
    const circuit = createCircuit({ numNodes: N, capacitance: spec.capacitance, groups: [{ type: s.type, src: s.src, dst: s.dst, params }] }, `${where}.slices[${i}]`);
    if (E.isLeft(circuit)) issues.push(...circuit.left);
    return E.isRight(circuit) ? { duration: s.duration, circuit: circuit.right } : undefined;
  });
  if (issues.length) return E.left(issues);
  const model = createModel(slices.map((s) => s!), where);
  if (E.isLeft(model)) return model;
  const groups = model.right.slices.flatMap((s) => s.circuit.groups);
  const masks = groups.map((g) => {
    const frozen = g.type.definition.meta.params.map((p) => p.trainable === false || p.unused === true);
    if (!frozen.some(Boolean)) return null;
    const mask = new Uint8Array(g.params.length);
    frozen.forEach((isFrozen, k) => mask.fill(isFrozen ? 0 : 1, k * g.size, (k + 1) * g.size));
    return mask;
  });
  return E.right({ spec, model: model.right, params: groups.map((g) => g.params), masks });
}

/** Initial state (node-major, batch innermost) for samples `rows` of a row-major feature matrix. */
export function encodeInputs(network: Network, features: Float64Array, inputDim: number, rows: ArrayLike<number>, out: Float64Array): void {
  const B = rows.length;
  out.fill(0);
  const nodes = network.spec.inputNodes;
  for (let b = 0; b < B; b++) {
    const base = rows[b] * inputDim;
    for (let d = 0; d < nodes.length; d++) out[(nodes[d] - 1) * B + b] = features[base + d];
  }
}

/** Outputs (sample-major, b·K + k) from a final state. */
export function readOutputs(network: Network, state: Float64Array, batch: number, out: Float64Array): void {
  const nodes = network.spec.readoutNodes;
  for (let b = 0; b < batch; b++) for (let k = 0; k < nodes.length; k++) out[b * nodes.length + k] = state[(nodes[k] - 1) * batch + b];
}

/** Scatters ∂L/∂outputs back onto the readout nodes of a state-shaped gradient. */
export function scatterOutputGradient(network: Network, gradOutputs: Float64Array, batch: number, gradState: Float64Array): void {
  gradState.fill(0);
  const nodes = network.spec.readoutNodes;
  for (let b = 0; b < batch; b++) for (let k = 0; k < nodes.length; k++) gradState[(nodes[k] - 1) * batch + b] += gradOutputs[b * nodes.length + k];
}

/** The solver settings a KirchhoffNet is trained and evaluated with. */
export interface NetworkSolving {
  readonly forward: SolverSetup;
  readonly backward: SolverSetup;
  readonly method: AdjointMethod;
}

/**
 * A KirchhoffNet as a TrainableModel: inputs become initial voltages, the readout nodes' final voltages
 * the outputs, gradients come from the adjoint (`modelGradient`). Evaluation needs only `forward`.
 */
export function networkModel(network: Network, solving: NetworkSolving | Pick<NetworkSolving, 'forward'>): TrainableModel {
  const K = network.spec.readoutNodes.length;
  return {
    params: network.params,
    masks: network.masks,
    outputWidth: K,
    predict(features, inputDim, rows, outputs) {
      const B = rows.length;
      const input = new Float64Array(network.model.numNodes * B);
      encodeInputs(network, features, inputDim, rows, input);
      const simulation = simulateModel({ model: network.model, input, batch: B, setup: solving.forward });
      readOutputs(network, simulation.final, B, outputs);
      return { nfe: simulation.perSlice.reduce((sum, s) => sum + s.nfe, 0) };
    },
    gradient(features, inputDim, rows, lossAt, grads) {
      if (!('method' in solving)) throw new KirchhoffError('missing-adjoint', 'this KirchhoffNet was set up for evaluation only: no adjoint method');
      const B = rows.length;
      const input = new Float64Array(network.model.numNodes * B);
      encodeInputs(network, features, inputDim, rows, input);
      const outputs = new Float64Array(B * K);
      const gradOutputs = new Float64Array(B * K);
      const result = modelGradient({
        model: network.model,
        input,
        batch: B,
        method: solving.method,
        forward: solving.forward,
        backward: solving.backward,
        loss: (yT, gradState) => {
          readOutputs(network, yT, B, outputs);
          const value = lossAt(outputs, gradOutputs);
          scatterOutputGradient(network, gradOutputs, B, gradState);
          return value;
        },
      });
      result.paramGradients.flat().forEach((g, i) => grads[i].set(g));
      return {
        loss: result.loss,
        nfeForward: result.forwardStats.reduce((s, x) => s + x.nfe, 0),
        nfeBackward: result.backwardStats.reduce((s, x) => s + x.nfe, 0),
      };
    },
  };
}
