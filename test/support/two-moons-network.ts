import { adamw, buildNetwork, checkpointed, cosineSchedule, crossEntropy, Rng, type TrainerOptions } from '@kirchhoff/core';
import { fullyConnect } from '@kirchhoff/branches';
import { twoMoons } from '@kirchhoff/datasets';
import { builtinContainer, catalogOf, setupOf, unwrap } from './kirchhoff-context';

/** A small two-moons KirchhoffNet and trainer options, for trainer tests. */
export async function twoMoonsTraining(runDir: string, overrides: Partial<TrainerOptions> = {}): Promise<TrainerOptions> {
  const container = builtinContainer();
  const type = catalogOf(container).require('shift-tanh-2');
  const topology = unwrap(fullyConnect.generate({ nodes: 5, repeat: [1, 1] }));
  const network = unwrap(
    buildNetwork(
      { numNodes: 4, slices: [0, 1].map(() => ({ duration: 0.5, type, src: topology.src, dst: topology.dst })), inputNodes: [1, 2], readoutNodes: [3, 4] },
      new Rng(1),
    ),
  );
  const train = unwrap(await twoMoons.load({ split: 'train', n: 192, seed: 0 })());
  const test = unwrap(await twoMoons.load({ split: 'test', n: 128, seed: 0 })());
  const setup = setupOf(container, { name: 'dopri5', rtol: 1e-4, atol: 1e-4 });
  return {
    network,
    train,
    test,
    loss: crossEntropy,
    optimizer: unwrap(adamw.create({ lr: 0.02 }, network.params.map((p) => p.length))),
    lr: unwrap(cosineSchedule.create({ tMax: 3, etaMin: 1e-4 }, 0.02)),
    forward: setup,
    backward: setup,
    method: checkpointed,
    epochs: 3,
    batchSize: 32,
    seed: 7,
    runDir,
    checkpoint: { everyIterations: 4 },
    ...overrides,
  };
}
