import * as z from 'zod';
import { circuitFileSchema } from './schema';

/**
 * The shape of a training config. Like the circuit schema it checks types and structure only: names
 * (branch types, datasets, optimizers…) are resolved through the registries in the second stage, and
 * value rules that core or a plugin already enforces (node ranges, optimizer options, solver settings)
 * are left to them, so their issue codes are the same wherever a config comes from.
 */

// Taken from the circuit schema rather than written again, so both file kinds accept the same forms.
const circuitShape = circuitFileSchema.shape;
const solverConfigSchema = circuitShape.solver.unwrap();
const branchRef = circuitShape.branches.unwrap().element.shape.type.describe(
  'a branch type id or alias, {family, options}, or the name of a type in branchTypes',
);

const count = z.int().min(1);

const topologySpec = z
  .strictObject({
    generator: z.string().describe('topology generator id, e.g. fully-connect'),
    options: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("the generator's options; `nodes` (ground included) defaults to model.nodes + 1"),
  })
  .meta({ id: 'TopologySpec', description: 'how the branches of a slice are laid out over the nodes' });

const sliceSpec = z.strictObject({
  duration: z.number().optional().describe('seconds this slice runs, > 0; default: model.duration'),
  branch: branchRef.optional().describe('default: model.branch'),
  topology: topologySpec.optional().describe('default: model.topology'),
});

const kirchhoffNetModel = z
  .strictObject({
    nodes: count.describe('number of non-ground nodes N; nodes are 1..N, 0 is ground'),
    capacitance: z.union([z.number(), z.array(z.number())]).optional().describe('farads: one value, or a list of N; default 1'),
    branch: branchRef,
    topology: topologySpec.optional().describe('default: {generator: fully-connect}'),
    slices: z
      .union([count.describe('that many identical slices, each with its own parameters'), z.array(sliceSpec).min(1)])
      .optional()
      .describe('time slices run one after another; default 1'),
    duration: z.number().optional().describe('duration of every slice that gives none'),
    input: z.array(z.int()).min(1).optional().describe('node receiving each input feature; default 1..inputDim'),
    readout: z
      .union([z.array(z.int()).min(1), z.strictObject({ last: count.describe('the last k nodes, N−k+1..N') })])
      .describe('nodes whose final voltages are the outputs (logits for classification)'),
  })
  .superRefine(
    (m, ctx) => {
      const listed = Array.isArray(m.slices) ? m.slices : undefined;
      const undated = listed ? listed.flatMap((s, i) => (s?.duration === undefined ? [i] : [])) : [0];
      if (m.duration === undefined && undated.length) {
        const path = listed ? ['slices', undated[0], 'duration'] : ['duration'];
        ctx.addIssue({ code: 'custom', path, params: { code: 'missing-field' }, message: 'a slice needs a duration: give model.duration or one per slice' });
      }
    },
    // Reads only key presence, so it runs even when other fields are wrong: one pass reports everything.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );

const range = z.tuple([z.number(), z.number()]);

/** A fixed basis (KAN) or activation (MLP): a device branch type, scaled KANalogue's way (docs/kanalogue.md). */
const basisSpec = z.union([
  branchRef,
  z
    .strictObject({
      branch: branchRef,
      voltage: range.optional().describe('device voltages [V_low, V_high] the input range maps onto; default: the input range'),
      input: range.optional().describe('input range [low, high], clamped outside (flat extrapolation); default [0, 1.2]'),
      currentScale: z.number().positive().optional().describe('I is divided by this; default max |I| over the voltage range'),
      theta: z.array(z.number()).optional().describe("the device's parameters in its order; default: its defaults"),
    })
    .meta({ id: 'BasisSpec', description: 'a device branch type as a fixed basis: φ(x) = I(V(clamp(x)))/currentScale' }),
]);
export type BasisSpec = z.infer<typeof basisSpec>;

const widths = z.array(count).min(2).describe('feature counts, input first, e.g. [196, 64, 10]');
const norm = z.enum(['none', 'layer', 'batch']).optional().describe('LayerNorm or BatchNorm between layers (never after the last); default layer (kan), none (mlp)');
const init = z
  .union([z.enum(['kan', 'torch-linear']), z.strictObject({ std: z.number().positive() })])
  .optional()
  .describe('kan: c ~ N(0, (1/(n_in·D))²), bias 0 (default for kan); torch-linear: U(±1/√fan_in) (default for mlp); {std}: N(0, std²)');

const kanModel = z
  .strictObject({
    kind: z.literal('kan'),
    widths,
    bases: z.array(basisSpec).min(1).describe('the D fixed bases φ_d every edge mixes'),
    pre: z.enum(['none', 'clamp', 'hardtanh', 'sigmoid', 'tanh']).optional().describe('input pre-function of every layer; clamp = [0, 1.4]; default none'),
    norm,
    init,
  })
  .meta({ id: 'KanModel', description: 'a Kolmogorov–Arnold network over device bases (KANalogue)' });

const mlpModel = z
  .strictObject({
    kind: z.literal('mlp'),
    widths,
    activation: z.union([z.literal('relu'), basisSpec]).optional().describe('relu (default) or a device basis'),
    norm,
    init,
  })
  .meta({ id: 'MlpModel', description: 'a multilayer perceptron baseline' });


const data = z.strictObject({
  dataset: z.string().describe('dataset id, e.g. two-moons'),
  train: count.optional().describe('training samples; default: the dataset’s own size'),
  test: count.optional().describe('test samples; default: the dataset’s own size'),
  seed: z.int().min(0).max(0xffffffff).optional().describe('seed of the synthetic data; default: the top-level seed'),
  options: z.record(z.string(), z.unknown()).optional().describe('dataset-specific options (noise, size, …)'),
  validation: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe('fraction of the training samples held out (seeded by data.seed); early stopping and the restored best state then follow validation accuracy'),
  augment: z
    .strictObject({
      name: z.string().describe('augmentation id, e.g. random-affine'),
      options: z.record(z.string(), z.unknown()).optional().describe("the augmentation's options, e.g. {rotation: 15, translate: 0.1}"),
    })
    .optional()
    .describe('a random transform of every training mini-batch (never of the test data), drawn from the shuffling seed'),
});

/** `name` plus the plugin's options in the same object, checked against its `meta.options`. */
const namedWithOptions = (what: string) => z.object({ name: z.string().describe(`${what} id`) }).catchall(z.unknown());

const training = z.strictObject({
  epochs: count,
  batchSize: count,
  evalBatchSize: count.optional().describe('batch size of the test evaluation after each epoch; default 256'),
  seed: z.int().min(0).max(0xffffffff).optional().describe('seed of the shuffling; default: the top-level seed'),
  earlyStopping: z
    .strictObject({ patience: count.describe('epochs without a test-accuracy gain'), minDelta: z.number().min(0).optional() })
    .optional(),
  checkpoint: z
    .strictObject({
      everyIterations: count.optional(),
      everyMinutes: z.number().positive().optional(),
    })
    .optional()
    .describe('mid-epoch checkpoints; one is always written at the end of every epoch'),
  evaluate: z
    .strictObject({
      everyIterations: count.optional(),
      everyMinutes: z.number().positive().optional(),
    })
    .optional()
    .describe('mid-epoch test evaluations (an accuracy-vs-time curve in metrics.jsonl); one always follows every epoch'),
});

export const trainConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON schema reference for editors; ignored'),
    description: z.string().optional(),
    seed: z.int().min(0).max(0xffffffff).optional().describe('seed of the parameter initialisation (and default of the other seeds); default 0'),
    branchTypes: circuitShape.branchTypes,
    plugins: circuitShape.plugins,
    model: kirchhoffNetModel,
    data,
    loss: z.string().optional().describe('loss id; default: cross-entropy for classification, mse for regression'),
    optimizer: namedWithOptions('optimizer').describe('{name, …options}, e.g. {name: adamw, lr: 0.02, weightDecay: 0.01}'),
    schedule: z
      .object({
        name: z.string().describe('learning-rate schedule id'),
        per: z.enum(['epoch', 'iteration']).optional().describe('epoch (default): the rate changes between epochs; iteration: the schedule is read at fractional epochs, epoch + batch/batches'),
      })
      .catchall(z.unknown())
      .optional()
      .describe('{name, per?, …options}; default: constant'),
    clip: z
      .strictObject({ maxNorm: z.number().positive().optional(), value: z.number().positive().optional() })
      .optional()
      .describe('gradient clipping: by total L2 norm and/or by value'),
    training,
    solver: solverConfigSchema.optional().describe('forward ODE solver; default {name: dopri5}'),
    adjoint: z
      .strictObject({
        method: z.string().optional().describe('backsolve, checkpointed (default) or discrete'),
        solver: solverConfigSchema.optional().describe('the adjoint solve’s solver; default: the forward solver'),
      })
      .optional(),
    runDir: z.string().optional().describe('where checkpoints and metrics go, relative to this file; default runs/<config name>'),
  })
  .describe('A Kirchhoff training run: a KirchhoffNet, a dataset and how to train it');

/**
 * Any training config: the KirchhoffNet's, or a feed-forward model (`model.kind: kan | mlp`). Commands
 * that work on KirchhoffNets only (simulate, verify, export, plot) decode with `trainConfigSchema`.
 */
export const anyTrainConfigSchema = trainConfigSchema
  .extend({ model: z.union([kirchhoffNetModel, kanModel, mlpModel]) })
  .describe('A Kirchhoff training run: a KirchhoffNet (or a KAN or MLP baseline: model.kind), a dataset and how to train it');
export type AnyTrainConfig = z.infer<typeof anyTrainConfigSchema>;
export type FeedForwardConfig = AnyTrainConfig & { readonly model: KanModelConfig | MlpModelConfig };

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type KirchhoffNetModelConfig = z.infer<typeof kirchhoffNetModel>;
export type KanModelConfig = z.infer<typeof kanModel>;
export type MlpModelConfig = z.infer<typeof mlpModel>;
export const isFeedForwardConfig = (c: AnyTrainConfig): c is FeedForwardConfig => 'kind' in c.model;
export type TopologySpec = z.infer<typeof topologySpec>;
export type BranchRef = z.infer<typeof branchRef>;

/** The JSON schema of training configs; `pnpm --filter @kirchhoff/cli schema` writes it. */
export function trainJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(trainConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $schema, title: 'Kirchhoff training config', ...schema }, null, 2)}\n`;
}
