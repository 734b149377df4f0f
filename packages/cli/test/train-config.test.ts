import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildTraining, type TrainingPlan } from '../src/config/train-build';
import { decodeTrainText } from '../src/config/train-decode';
import { trainJsonSchema } from '../src/config/train-schema';
import { createTrainingContainer } from '../src/engine';
import type { FileIssue } from '../src/issues';
import { runCli } from '../src/program';
import { memoryIo } from './helpers';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

const BASE = {
  seed: 0,
  model: { nodes: 4, branch: 'shift-tanh-2', slices: 2, duration: 0.5, input: [1, 2], readout: [3, 4] },
  data: { dataset: 'two-moons', train: 64, test: 32 },
  optimizer: { name: 'adamw', lr: 0.02 },
  training: { epochs: 1, batchSize: 16 },
};

type Tree = { [key: string]: unknown };

/** BASE with `patch` merged in (a value of undefined deletes the key), as YAML. */
function configText(patch: Tree, base: Tree = BASE): string {
  const merge = (a: Tree, b: Tree): Tree =>
    Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) => {
        if (!(key in b)) return [[key, a[key]]];
        const [x, y] = [a[key], b[key]];
        if (y === undefined) return [];
        const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
        return [[key, isTree(x) && isTree(y) ? merge(x, y) : y]];
      }),
    );
  return stringify(merge(base, patch));
}

async function check(text: string, name = 'run.yaml', baseDir = '/tmp'): Promise<E.Either<FileIssue[], TrainingPlan>> {
  const decoded = decodeTrainText(name, text, baseDir);
  if (E.isLeft(decoded)) return decoded;
  return buildTraining(decoded.right, createTrainingContainer(), { cwd: '/tmp' });
}

async function issuesOf(text: string): Promise<FileIssue[]> {
  const result = await check(text);
  if (E.isRight(result)) throw new Error('expected the config to be rejected');
  return result.left;
}

describe('training configs', () => {
  it('accepts the example configs and builds everything they name', async () => {
    for (const [file, edges] of [
      ['two-moons.yaml', 40],
      ['twomoon-original.yaml', 300],
    ] as const) {
      const result = await check(readFileSync(`${EXAMPLES}${file}`, 'utf8'), file, EXAMPLES);
      if (E.isLeft(result)) throw new Error(result.left.map((i) => i.where).join('\n'));
      const plan = result.right;
      expect(plan.network.model.slices.map((s) => s.circuit.groups[0].size)).toEqual([edges, edges]);
      expect([plan.optimizer.optimizer, plan.loss.name, plan.dataset.name]).toEqual(['adamw', 'cross-entropy', 'two-moons']);
      expect(plan.runDir).toMatch(/runs[/\\]/);
    }
  });

  it('builds slices from a list, {last: k} readouts, defaults and per-slice overrides', async () => {
    const text = configText({
      model: { slices: [{ duration: 0.25 }, { branch: 'conductance', topology: { generator: 'fully-connect', options: { repeat: [2, 0] } } }], input: undefined, readout: { last: 2 } },
    });
    const result = await check(text);
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    const { network, forward, method, evalBatchSize } = result.right;
    expect(network.model.slices.map((s) => [s.duration, s.circuit.groups[0].type.definition.name, s.circuit.groups[0].size])).toEqual([
      [0.25, 'shift-tanh-2', 40],
      [0.5, 'conductance', 40],
    ]);
    expect([network.spec.inputNodes, network.spec.readoutNodes]).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect([forward.solver.name, method.name, evalBatchSize]).toEqual(['dopri5', 'checkpointed', 256]);
  });

  it('draws the same initial parameters from the same seed, and others from another', async () => {
    const params = async (seed: number) => {
      const result = await check(configText({ seed }));
      return E.isRight(result) ? Array.from(result.right.network.params[0]) : [];
    };
    expect(await params(3)).toEqual(await params(3));
    expect(await params(3)).not.toEqual(await params(4));
  });

  it('reports an unknown key at its line and column, with a guess', async () => {
    const text = 'model:\n  nodes: 4\n  branch: shift-tanh-2\n  duration: 1\n  readout: [3, 4]\n  capacitence: 1\ndata: { dataset: two-moons }\noptimizer: { name: adamw }\ntraining: { epochs: 1, batchSize: 8 }\n';
    const [issue] = await issuesOf(text);
    expect(issue).toMatchObject({ code: 'unknown-key', line: 6, column: 3, path: 'model.capacitence' });
    expect(issue.message).toContain("did you mean 'capacitance'");
  });

  it('reads a schedule per iteration when asked (per: iteration), per epoch by default', async () => {
    const perIteration = await check(configText({ schedule: { name: 'cosine', tMax: 2, per: 'iteration' } }));
    const perEpoch = await check(configText({ schedule: { name: 'cosine', tMax: 2 } }));
    if (E.isLeft(perIteration) || E.isLeft(perEpoch)) throw new Error('expected both configs to build');
    expect(perIteration.right.lrPerIteration).toBe(true);
    expect(perEpoch.right.lrPerIteration).toBeUndefined();
    expect(perIteration.right.lr(0.5)).toBeCloseTo(perEpoch.right.lr(0.5), 15);
  });

  // Each case: a change to a valid config, and the code and field of the issue it must produce.
  const cases: [string, Tree, string, string][] = [
    ['an unknown top-level key', { epochs: 3 }, 'unknown-key', 'epochs'],
    ['a wrong type', { training: { epochs: 'two' } }, 'invalid-type', 'training.epochs'],
    ['a missing section', { data: undefined }, 'missing-field', 'data'],
    ['no duration anywhere', { model: { duration: undefined } }, 'missing-field', 'model.duration'],
    ['an unknown optimizer', { optimizer: { name: 'adamx' } }, 'unknown-optimizer', 'optimizer.name'],
    ['a negative learning rate', { optimizer: { lr: -0.1 } }, 'invalid-option', 'optimizer.lr'],
    ['an unknown optimizer option', { optimizer: { momentum: 0.9 } }, 'unknown-option', 'optimizer.momentum'],
    ['a schedule without its required option', { schedule: { name: 'cosine' } }, 'missing-option', 'schedule.tMax'],
    ['a schedule read per something else', { schedule: { name: 'cosine', tMax: 2, per: 'batch' } }, 'invalid-value', 'schedule.per'],
    ['an unknown dataset', { data: { dataset: 'two-mons' } }, 'unknown-dataset', 'data.dataset'],
    ['an unknown dataset option', { data: { options: { noize: 0.1 } } }, 'unknown-option', 'data.options'],
    ['a bad image size', { data: { dataset: 'mnist', options: { size: 0 } } }, 'invalid-option', 'data.options'],
    ['an unknown augmentation', { data: { augment: { name: 'mixup' } } }, 'unknown-augmentation', 'data.augment.name'],
    ['an augmentation option at the wrong level', { data: { augment: { name: 'random-affine', rotation: 15 } } }, 'unknown-key', 'data.augment.rotation'],
    ['an unknown augmentation option', { data: { dataset: 'mnist', augment: { name: 'random-affine', options: { scale: 1.1 } } } }, 'unknown-option', 'data.augment.options.scale'],
    ['a bad augmentation option', { data: { dataset: 'mnist', augment: { name: 'random-affine', options: { rotation: -5 } } } }, 'invalid-option', 'data.augment.options.rotation'],
    ['augmenting points that are not images', { data: { augment: { name: 'random-affine' } } }, 'augmentation-needs-images', 'data.augment'],
    ['an unknown adjoint method', { adjoint: { method: 'magic' } }, 'unknown-adjoint-method', 'adjoint.method'],
    ['an adjoint that cannot use the solver', { solver: { name: 'odex' }, adjoint: { method: 'checkpointed' } }, 'adjoint-needs-dense-output', 'adjoint.method'],
    ['an unknown solver', { solver: { name: 'dopri7' } }, 'unknown-solver', 'solver.name'],
    ['an unknown loss', { loss: 'hinge' }, 'unknown-loss', 'loss'],
    ['a loss for another task', { loss: 'mse' }, 'loss-task-mismatch', 'loss'],
    ['an unknown branch type', { model: { branch: 'memristor' } }, 'unknown-branch-type', 'model.branch'],
    ['an unknown topology', { model: { topology: { generator: 'ring' } } }, 'unknown-topology', 'model.topology.generator'],
    ['a bad topology option', { model: { topology: { generator: 'fully-connect', options: { repeat: [0, 0] } } } }, 'invalid-option', 'model.topology.options.repeat'],
    ['a readout node out of range', { model: { readout: [3, 5] } }, 'node-out-of-range', 'model.readout[1]'],
    ['an input node out of range', { model: { input: [0, 2] } }, 'node-out-of-range', 'model.input[0]'],
    ['more readout nodes than the model has', { model: { readout: { last: 5 } } }, 'node-out-of-range', 'model.readout.last'],
    ['an input width unlike the dataset', { model: { input: [1, 2, 3] } }, 'input-width', 'model.input'],
    ['a readout width unlike the classes', { model: { readout: [2, 3, 4] } }, 'readout-width', 'model.readout'],
    ['a bad slice duration', { model: { slices: [{ duration: -1 }, { duration: 1 }] } }, 'invalid-duration', 'model.slices[0].duration'],
    ['a bad capacitance', { model: { capacitance: [1, 1, 1] } }, 'capacitance-length', 'model.capacitance'],
  ];

  it.each(cases)('rejects %s', async (_, patch, code, path) => {
    const issues = await issuesOf(configText(patch));
    expect(issues.map((i) => [i.code, i.path])).toContainEqual([code, path]);
    const issue = issues.find((i) => i.code === code)!;
    expect(issue.where).toMatch(/^run\.yaml(:\d+:\d+)?: /);
  });

  it('builds 14 × 14 MNIST with the augmentation, its width taken from the resized images', async () => {
    const text = configText({
      model: { nodes: 206, input: undefined, readout: { last: 10 }, slices: 1, topology: { generator: 'fully-connect', options: { repeat: [1, 0] } } },
      data: { dataset: 'mnist', options: { size: 14 }, augment: { name: 'random-affine', options: { rotation: 15, translate: 0.1 } } },
    });
    const result = await check(text);
    if (E.isLeft(result)) throw new Error(result.left.map((i) => `${i.where} ${i.message}`).join('\n'));
    const { train, test, augment, network } = result.right;
    expect([train.inputDim, train.shape, test.inputDim]).toEqual([196, [14, 14], 196]);
    expect(network.spec.inputNodes).toEqual(Array.from({ length: 196 }, (_, d) => d + 1));
    expect(augment).toBeDefined();
    const unaugmented = await check(configText({}));
    expect(E.isRight(unaugmented) && unaugmented.right.augment).toBeUndefined();
  });

  it('reports an augmentation problem at its line and column', async () => {
    const text = 'model: { nodes: 4, branch: shift-tanh-2, duration: 1, input: [1, 2], readout: [3, 4] }\ndata:\n  dataset: mnist\n  augment:\n    name: random-affine\n    options: { rotation: -5 }\noptimizer: { name: adamw }\ntraining: { epochs: 1, batchSize: 8 }\n';
    const issues = await issuesOf(text);
    const issue = issues.find((i) => i.code === 'invalid-option')!;
    expect(issue).toMatchObject({ line: 6, path: 'data.augment.options.rotation' });
    expect(issue.where).toMatch(/^run\.yaml:6:\d+: data\.augment\.options\.rotation$/);
  });

  it('reports every problem of a config at once, in file order', async () => {
    const issues = await issuesOf(configText({ optimizer: { name: 'adamw', lr: -1 }, data: { dataset: 'two-moons' }, adjoint: { method: 'magic' }, model: { readout: [3, 9] } }));
    expect(issues.map((i) => i.code).sort()).toEqual(['invalid-option', 'node-out-of-range', 'unknown-adjoint-method']);
    const lines = issues.map((i) => i.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('locates a regression readout problem with the default loss', async () => {
    const issues = await issuesOf(configText({ data: { dataset: 'friedman1' }, model: { nodes: 6, input: [1, 2, 3, 4, 5], readout: [5, 6] } }));
    expect(issues.map((i) => [i.code, i.path])).toEqual([['readout-width', 'model.readout']]);
  });
});

describe('the JSON schema of training configs', () => {
  it('is committed exactly as `pnpm --filter @kirchhoff/cli schema` generates it', () => {
    const committed = readFileSync(new URL('../schema/train.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(trainJsonSchema());
  });

  it('is what `kirchhoff schema train` prints', async () => {
    const io = memoryIo('/tmp');
    expect(await runCli(['schema', 'train'], io)).toBe(0);
    expect(io.stdout()).toBe(trainJsonSchema());
  });

  it('forbids unknown keys where the decoder does', () => {
    const schema = JSON.parse(trainJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.model.additionalProperties).toBe(false);
    expect(schema.properties.optimizer.required).toEqual(['name']);
  });
});
