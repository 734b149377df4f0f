import { DatasetTester } from '@kirchhoff/core/testing';
import { datasets } from '../src/register';

for (const dataset of datasets) DatasetTester.run(dataset.name, dataset);
