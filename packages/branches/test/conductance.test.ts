import { BranchTester } from '@kirchhoff/core/testing';
import { conductance } from '../src/conductance';

BranchTester.run('conductance', conductance, {
  valid: [{ vs: 2, vd: 0.5, theta: [0.1], current: 0.15000000000000002 }],
});
