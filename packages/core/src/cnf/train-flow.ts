import { performance } from 'node:perf_hooks';
import { KirchhoffError } from '../errors';
import type { AdjointMethod } from '../adjoint/adjoint-method';
import type { SolverSetup } from '../ode/config';
import { Rng } from '../random/rng';
import { clipGradNorm, clipGradValue } from '../train/clip';
import { encodeInputs, type Network } from '../train/network';
import type { OptimizerInstance } from '../train/optimizers/optimizer';
import type { LrFunction } from '../train/schedules/schedule';
import { flowGradient, gaussianNll } from './flow-gradient';

export interface FlowTrainingOptions {
  /**
   * The flow: its input nodes are the data dimensions and must be every node (the density lives on the
   * whole state); its `params` are the arrays the model's circuits read, updated in place.
   */
  readonly network: Network;
  /** Training samples, row-major (count × inputDim). */
  readonly data: Float64Array;
  readonly inputDim: number;
  readonly batchSize: number;
  /** Optimizer updates to take. */
  readonly iterations: number;
  readonly optimizer: OptimizerInstance;
  /** Learning rate per epoch (a schedule bound to the optimizer's base rate), stepped once per epoch as the original does. */
  readonly lr: LrFunction;
  readonly method: AdjointMethod;
  readonly forward: SolverSetup;
  /** The adjoint solve's setup; default: the forward one. */
  readonly backward?: SolverSetup;
  /** Error norm of the forward pass over (v, ℓ); default `tuple` (torchdiffeq's for the original's tuple state). */
  readonly norm?: 'tuple' | 'rms';
  /** Shuffling seed (default 0). */
  readonly seed?: number;
  readonly clip?: { readonly maxNorm?: number; readonly value?: number };
  /** Called after every update. */
  readonly onIteration?: (record: FlowIteration) => void;
}

export interface FlowIteration {
  /** Updates taken so far (1 after the first). */
  readonly iteration: number;
  /** Epoch of this update, from 0 (an epoch is one pass over the shuffled data, ⌊count/B⌋ updates). */
  readonly epoch: number;
  /** The batch's NLL before the update, nats per sample: −mean[log N(z) − Δℓ]. */
  readonly nll: number;
  readonly lr: number;
  readonly nfeForward: number;
  readonly nfeBackward: number;
  /** Wall time of the update: forward, adjoint and optimizer. */
  readonly seconds: number;
}

export interface FlowTrainingResult {
  readonly history: FlowIteration[];
  readonly seconds: number;
}

/**
 * Trains a time-sliced circuit as a generative CNF by maximum likelihood, as the original's 2-D generation
 * runs (reference §7–§8): each update takes a batch of data x, flows it back from T to the base at 0 (the
 * original's reverse=True) with the log-density change Δℓ = ∫₀ᵀ tr(∂f/∂v) dt, and minimises
 * NLL = −mean[log N(z; 0, I) − Δℓ] with gradients from the given adjoint method through every slice.
 */
export function trainFlow(options: FlowTrainingOptions): FlowTrainingResult {
  const { network, data, inputDim, optimizer, method } = options;
  const N = network.model.numNodes;
  const inputs = network.spec.inputNodes;
  if (inputDim !== N || inputs.length !== N || new Set(inputs).size !== N) {
    throw new KirchhoffError(
      'flow-dimension',
      `a flow's data must set every node: ${N} nodes, but the data has ${inputDim} features on input nodes [${inputs.join(', ')}]`,
    );
  }
  const count = Math.floor(data.length / inputDim);
  if (count < 1 || count * inputDim !== data.length) {
    throw new KirchhoffError('invalid-data', `data has ${data.length} values, not a whole number of ${inputDim}-feature samples`);
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new KirchhoffError('invalid-batch', `batchSize must be a positive whole number, got ${options.batchSize}`);
  }
  const B = Math.min(options.batchSize, count);
  const perEpoch = Math.floor(count / B);
  const rng = new Rng(options.seed ?? 0);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  const input = new Float64Array(N * B);
  const history: FlowIteration[] = [];
  const started = performance.now();
  for (let it = 0; it < options.iterations; it++) {
    const epoch = Math.floor(it / perEpoch);
    const within = it % perEpoch;
    if (within === 0) rng.shuffle(order);
    const t0 = performance.now();
    encodeInputs(network, data, inputDim, order.subarray(within * B, within * B + B), input);
    const result = flowGradient({
      model: network.model,
      input,
      batch: B,
      method,
      forward: options.forward,
      backward: options.backward,
      direction: 'reverse',
      norm: options.norm,
      loss: (z, deltaLogp, gradZ, gradLogp) => gaussianNll(z, deltaLogp, N, B, gradZ, gradLogp),
    });
    const grads = result.paramGradients.flat();
    if (options.clip?.maxNorm !== undefined) clipGradNorm(grads, options.clip.maxNorm);
    if (options.clip?.value !== undefined) clipGradValue(grads, options.clip.value);
    const lr = options.lr(epoch);
    optimizer.step(network.params, grads, lr, network.masks);
    const record: FlowIteration = {
      iteration: it + 1,
      epoch,
      nll: result.loss,
      lr,
      nfeForward: result.forwardStats.reduce((s, x) => s + x.nfe, 0),
      nfeBackward: result.backwardStats.reduce((s, x) => s + x.nfe, 0),
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(record);
    options.onIteration?.(record);
  }
  return { history, seconds: (performance.now() - started) / 1000 };
}
