import { DatasetTester } from '@kirchhoff/core/testing';
import { datasets } from '../src/register';

// Real datasets are files: the seed selects nothing.
const fileBacked = new Set(['mnist', 'fashion-mnist']);
for (const dataset of datasets) DatasetTester.run(dataset.name, dataset, { seeded: !fileBacked.has(dataset.name) });
