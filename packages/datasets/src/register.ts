import { AUGMENTATION, DATASET, type Augmentation, type DatasetPlugin } from '@kirchhoff/core';
import type { DependencyContainer } from 'tsyringe';
import { randomAffine } from './augment/random-affine';
import { circles } from './circles';
import { fashionMnist } from './fashion-mnist';
import { mnist } from './mnist';
import { friedman1 } from './friedman1';
import { spirals } from './spirals';
import { twoMoons } from './two-moons';
import { xor } from './xor';

/** Every built-in dataset, sorted by id. */
export const datasets: readonly DatasetPlugin[] = [circles, fashionMnist, friedman1, mnist, spirals, twoMoons, xor];

/** Every built-in augmentation, sorted by id. */
export const augmentations: readonly Augmentation[] = [randomAffine];

/** Registers the built-in datasets under DATASET and augmentations under AUGMENTATION. */
export function registerDatasets(container: DependencyContainer): void {
  for (const dataset of datasets) container.register(DATASET, { useValue: dataset });
  for (const augmentation of augmentations) container.register(AUGMENTATION, { useValue: augmentation });
}
