import * as E from 'fp-ts/Either';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { discrete } from '../adjoint/discrete';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import { KirchhoffError, ValidationError } from '../errors';
import type { SolverSetup } from '../ode/config';
import { solve } from '../ode/solve';
import { clipGradNorm } from '../train/clip';
import { adamw } from '../train/optimizers/adamw';
import type { OptimizerInstance, OptimizerState } from '../train/optimizers/optimizer';
import { cosineSchedule } from '../train/schedules/cosine';
import { withWarmup } from '../train/schedules/warmup';
import { ET_CONDUCTANCES, ET_CONSTANTS, ET_PARAM_NAMES, ET_SIZES, EtCircuit, etLogits, etParamList, initEtParams, zerosLikeEt, type EtInitScales, type EtParams } from './energy-transformer';
import { EtEuler } from './et-euler';
import { paritySplit } from './tasks';

/**
 * Training the parity ET through its ODE (reference recipe, shortened): forward Euler, backpropagated
 * through the unrolled steps (the discrete adjoint, exact for the discretised model); cross-entropy of
 * the linear readout plus the force penalty λ·mean‖dv/dt(T)‖²; AdamW (weight decay on the biases and the
 * readout, none on the conductances, as the reference code) with warmup-cosine learning rate down to 0.3×
 * the peak and gradient-norm clipping.
 */
export interface ParityTrainingOptions {
  /** Forward Euler step (at most; equal steps over [0, T]), as the reference trains. */
  readonly dt: number;
  readonly epochs: number;
  readonly peakLr: number;
  readonly warmupEpochs: number;
  readonly clip: number;
  readonly weightDecay: number;
  /** The penalty ramps λ = (λmax/2)(1 − cos(π·(epoch − start)/(epochs − start))) from `penaltyStart`. */
  readonly penaltyStart: number;
  readonly penaltyMax: number;
  readonly seed: number;
  /** Initial scales (default `ET_WIDE_INIT`). */
  readonly init?: EtInitScales;
  readonly evaluateEvery: number;
  readonly checkpointPath?: string;
  readonly log?: (line: string) => void;
}

export interface BatchResult {
  readonly loss: number;
  readonly crossEntropy: number;
  readonly penalty: number;
  readonly accuracy: number;
}

function forceLambda(o: Pick<ParityTrainingOptions, 'epochs' | 'penaltyStart' | 'penaltyMax'>, epoch: number): number {
  if (epoch < o.penaltyStart) return 0;
  return (o.penaltyMax / 2) * (1 - Math.cos((Math.PI * (epoch - o.penaltyStart)) / Math.max(1, o.epochs - o.penaltyStart)));
}

/** Cross-entropy, accuracy, dL/dlogits (mean over the batch). */
function crossEntropy(logits: Float64Array, labels: readonly number[], B: number, dLogits: Float64Array): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    const z0 = logits[b];
    const z1 = logits[B + b];
    const peak = Math.max(z0, z1);
    const lse = peak + Math.log(Math.exp(z0 - peak) + Math.exp(z1 - peak));
    const y = labels[b];
    loss += lse - (y === 0 ? z0 : z1);
    dLogits[b] = (Math.exp(z0 - lse) - (y === 0 ? 1 : 0)) / B;
    dLogits[B + b] = (Math.exp(z1 - lse) - (y === 1 ? 1 : 0)) / B;
    if ((z1 > z0 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / B, accuracy: correct / B };
}

/**
 * The readout's cross-entropy and the force penalty from y(T) and f = dy/dt(T). With `grads`: adds
 * dL/d(readout) there and returns dL/dy(T) through the readout and the penalty's cotangent on f.
 */
function headLoss(p: EtParams, yT: Float64Array, f: Float64Array, labels: readonly number[], lambda: number, grads: EtParams | null): { result: BatchResult; aEnd: Float64Array; fBar: Float64Array | null } {
  const { D, classes } = ET_SIZES;
  const B = labels.length;
  const logits = new Float64Array(classes * B);
  etLogits(p, yT, B, logits);
  const dLogits = new Float64Array(classes * B);
  const ce = crossEntropy(logits, labels, B, dLogits);
  let penalty = 0;
  for (let i = 0; i < D * B; i++) penalty += f[i] * f[i];
  penalty *= lambda / B;
  const result = { loss: ce.loss + penalty, crossEntropy: ce.loss, penalty, accuracy: ce.accuracy };
  const aEnd = new Float64Array(yT.length);
  if (!grads) return { result, aEnd, fBar: null };
  for (let k = 0; k < classes; k++) {
    for (let b = 0; b < B; b++) {
      const g = dLogits[k * B + b];
      grads.readoutB[k] += g;
      for (let d = 0; d < D; d++) {
        grads.readoutW[k * D + d] += g * yT[d * B + b];
        aEnd[d * B + b] += p.readoutW[k * D + d] * g;
      }
    }
  }
  if (!(lambda > 0)) return { result, aEnd, fBar: null };
  const fBar = new Float64Array(yT.length);
  for (let i = 0; i < D * B; i++) fBar[i] = ((2 * lambda) / B) * f[i];
  return { result, aEnd, fBar };
}

/**
 * Loss and its gradient (added into `grads`) through the unrolled solver, any explicit Runge–Kutta
 * setup, on the generic circuit path; λ is the force-penalty weight. The reference for `parityEulerLossAndGradient`.
 */
export function parityLossAndGradient(circuit: EtCircuit, p: EtParams, labels: readonly number[], lambda: number, forward: SolverSetup, grads: EtParams | null): BatchResult {
  const B = circuit.batch;
  circuit.load(p);
  const term = new KclDynamics(circuit.model.circuit, B);
  const problem = { term, t0: 0, t1: ET_CONSTANTS.T, y0: circuit.initialState(p), forward, backward: forward };
  const fwd = grads ? discrete.forward(problem) : { yEnd: solve(term, forward.solver, { ...forward.options, t0: 0, t1: ET_CONSTANTS.T, y0: problem.y0 }).yFinal, stats: null, tape: null };
  const yT = fwd.yEnd;
  const f = new Float64Array(term.size);
  term.vf(ET_CONSTANTS.T, yT, f);
  const { result, aEnd, fBar } = headLoss(p, yT, f, labels, lambda, grads);
  if (!grads) return result;
  if (fBar) {
    const outA = new Float64Array(term.size);
    const blocks = term.paramSizes.map((n) => new Float64Array(n));
    term.vjp(ET_CONSTANTS.T, yT, fBar, outA, blocks);
    for (let i = 0; i < term.size; i++) aEnd[i] += outA[i];
    circuit.accumulateGradients(p, blocks, new Float64Array(term.size), grads);
  }
  const back = discrete.backward(problem, fwd as ReturnType<typeof discrete.forward>, aEnd);
  circuit.accumulateGradients(p, back.grads, back.aStart, grads);
  return result;
}

/**
 * The same loss and gradient for forward Euler with steps of at most dt (the training recipe), on the
 * specialised path (`et-euler.ts`, about 10× faster); agrees with `parityLossAndGradient` to rounding.
 */
export function parityEulerLossAndGradient(euler: EtEuler, p: EtParams, labels: readonly number[], lambda: number, dt: number, grads: EtParams | null): BatchResult {
  euler.load(p);
  const yT = euler.forward(euler.initialState(p), dt, grads !== null);
  const f = new Float64Array(euler.size);
  euler.vf(yT, f);
  const { result, aEnd, fBar } = headLoss(p, yT, f, labels, lambda, grads);
  if (!grads) return result;
  euler.resetGradients();
  if (fBar) {
    const outA = new Float64Array(euler.size);
    euler.vjpAt(yT, fBar, outA);
    for (let i = 0; i < euler.size; i++) aEnd[i] += outA[i];
  }
  euler.accumulateGradients(p, euler.backward(aEnd), grads);
  return result;
}

interface Checkpoint {
  /** 2: the optimizer groups are conductances / the rest (1: embeddings / the rest, not resumable here). */
  readonly version: 2;
  readonly epoch: number;
  readonly elapsedSeconds: number;
  /** CPU time of the training process(es): unlike the wall time, it excludes time the process was stopped. */
  readonly cpuSeconds?: number;
  readonly params: Record<string, number[]>;
  readonly optimizers: OptimizerState[];
  readonly best: { epoch: number; validationAccuracy: number };
}

export interface ParityTrainingResult {
  readonly params: EtParams;
  readonly epochs: number;
  readonly elapsedSeconds: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly best: { epoch: number; validationAccuracy: number };
}

/** Full-batch training (204 strings < the reference's batch 256), resumable from `checkpointPath`. */
export function trainParity(o: ParityTrainingOptions): ParityTrainingResult {
  const log = o.log ?? (() => {});
  const split = paritySplit(0);
  const trainEuler = new EtEuler(split.train);
  const validationEuler = new EtEuler(split.validation);
  let params = initEtParams(o.seed, o.init);
  const names = [...ET_PARAM_NAMES];
  const fastIdx = names.map((n, i) => (ET_CONDUCTANCES.includes(n) ? i : -1)).filter((i) => i >= 0);
  const slowIdx = names.map((_, i) => i).filter((i) => !fastIdx.includes(i));
  const sizes = etParamList(params).map((x) => x.length);
  const make = (idx: number[], weightDecay: number): OptimizerInstance => {
    const made = adamw.create({ lr: o.peakLr, weightDecay }, idx.map((i) => sizes[i]));
    if (E.isLeft(made)) throw new ValidationError(made.left);
    return made.right;
  };
  const optimizers = [make(fastIdx, 0), make(slowIdx, o.weightDecay)];
  const schedule = withWarmup(cosineSchedule).create({ tMax: o.epochs, etaMin: 0.3 * o.peakLr, warmupEpochs: o.warmupEpochs }, o.peakLr);
  if (E.isLeft(schedule)) throw new ValidationError(schedule.left);
  let epoch = 0;
  let elapsedBefore = 0;
  let cpuBefore = 0;
  let best = { epoch: -1, validationAccuracy: 0 };
  if (o.checkpointPath && existsSync(o.checkpointPath)) {
    const saved = JSON.parse(readFileSync(o.checkpointPath, 'utf8')) as Checkpoint;
    if (saved.version !== 2) throw new KirchhoffError('checkpoint-version', `${o.checkpointPath} is a version ${saved.version} checkpoint; this trainer resumes version 2 (its optimizer groups differ): start a new run directory`);
    params = zerosLikeEt();
    for (const n of names) params[n].set(saved.params[n]);
    saved.optimizers.forEach((s, i) => optimizers[i].load(s));
    epoch = saved.epoch;
    elapsedBefore = saved.elapsedSeconds;
    cpuBefore = saved.cpuSeconds ?? saved.elapsedSeconds;
    best = saved.best;
    log(`resumed from ${o.checkpointPath} at epoch ${epoch} (${elapsedBefore.toFixed(0)} s so far)`);
  }
  const started = performance.now();
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  const cpuStart = process.cpuUsage();
  const cpu = () => {
    const used = process.cpuUsage(cpuStart);
    return cpuBefore + (used.user + used.system) / 1e6;
  };
  const save = () => {
    if (!o.checkpointPath) return;
    const checkpoint: Checkpoint = {
      version: 2,
      epoch,
      elapsedSeconds: elapsed(),
      cpuSeconds: cpu(),
      params: Object.fromEntries(names.map((n) => [n, Array.from(params[n])])),
      optimizers: optimizers.map((x) => x.state()),
      best,
    };
    writeFileSync(`${o.checkpointPath}.tmp`, JSON.stringify(checkpoint));
    renameSync(`${o.checkpointPath}.tmp`, o.checkpointPath);
  };
  let last = { train: 0, validation: 0 };
  for (; epoch < o.epochs; ) {
    const grads = zerosLikeEt();
    const lambda = forceLambda(o, epoch);
    const r = parityEulerLossAndGradient(trainEuler, params, split.trainLabels, lambda, o.dt, grads);
    const list = etParamList(grads);
    const norm = clipGradNorm(list, o.clip);
    const lr = schedule.right(epoch);
    const all = etParamList(params);
    optimizers[0].step(fastIdx.map((i) => all[i]), fastIdx.map((i) => list[i]), lr);
    optimizers[1].step(slowIdx.map((i) => all[i]), slowIdx.map((i) => list[i]), lr);
    epoch++;
    if (epoch % o.evaluateEvery === 0 || epoch === o.epochs) {
      const validation = parityEulerLossAndGradient(validationEuler, params, split.validationLabels, 0, o.dt, null);
      last = { train: r.accuracy, validation: validation.accuracy };
      if (validation.accuracy > best.validationAccuracy) best = { epoch, validationAccuracy: validation.accuracy };
      log(
        `epoch ${epoch} loss ${r.loss.toFixed(5)} ce ${r.crossEntropy.toFixed(5)} penalty ${r.penalty.toExponential(2)} λ ${lambda.toFixed(4)} lr ${lr.toExponential(2)} |g| ${norm.toExponential(2)} train-acc ${r.accuracy.toFixed(3)} val-acc ${validation.accuracy.toFixed(3)} val-loss ${validation.crossEntropy.toFixed(4)} ${elapsed().toFixed(0)} s (cpu ${cpu().toFixed(0)} s)`,
      );
      save();
    }
  }
  return { params, epochs: epoch, elapsedSeconds: elapsed(), trainAccuracy: last.train, validationAccuracy: last.validation, best };
}

/** A saved run's parameters (for evaluation and the step-size check). */
export function readParityCheckpoint(path: string): { params: EtParams; epoch: number; elapsedSeconds: number; cpuSeconds: number; best: { epoch: number; validationAccuracy: number } } {
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  const params = zerosLikeEt();
  for (const n of ET_PARAM_NAMES) params[n].set(saved.params[n]);
  return { params, epoch: saved.epoch, elapsedSeconds: saved.elapsedSeconds, cpuSeconds: saved.cpuSeconds ?? saved.elapsedSeconds, best: saved.best };
}

/** The ET's logits (classes × B) for bit strings under a solver setup (evaluation, the step-size check). */
export function parityLogits(params: EtParams, tokens: readonly (readonly number[])[], setup: SolverSetup): Float64Array {
  const circuit = new EtCircuit(tokens);
  circuit.load(params);
  const B = circuit.batch;
  const term = new KclDynamics(circuit.model.circuit, B);
  const y = solve(term, setup.solver, { ...setup.options, t0: 0, t1: ET_CONSTANTS.T, y0: circuit.initialState(params) }).yFinal;
  const logits = new Float64Array(ET_SIZES.classes * B);
  etLogits(params, y, B, logits);
  return logits;
}

/** The same with forward Euler in steps of at most dt, on the specialised path (the step-size check). */
export function parityEulerLogits(params: EtParams, tokens: readonly (readonly number[])[], dt: number): Float64Array {
  const euler = new EtEuler(tokens);
  euler.load(params);
  const y = euler.forward(euler.initialState(params), dt, false);
  const logits = new Float64Array(ET_SIZES.classes * euler.B);
  etLogits(params, y, euler.B, logits);
  return logits;
}

/** Predicted class per sample from logits (classes × B). */
export const parityPredictions = (logits: Float64Array, B: number) => Array.from({ length: B }, (_, b) => (logits[B + b] > logits[b] ? 1 : 0));
