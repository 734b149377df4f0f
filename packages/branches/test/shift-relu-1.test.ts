import { BranchTester } from '@kirchhoff/core/testing';
import { shiftRelu1 } from '../src/shift-relu-1';

BranchTester.run('shift-relu-1', shiftRelu1, {
  valid: [
    { vs: 1, vd: 0.25, theta: [0.5, 2], current: 0.5 }, // 2·relu(0.25)
    { vs: 0, vd: 0.25, theta: [0.5, 2], current: 0 },
    { vs: 1, vd: 0, theta: [0.5, -3], current: -1.5 }, // negative scale: the device can source current
  ],
  invalid: [
    {
      description: 'a typo in the law',
      definition: { ...shiftRelu1, current: 'theta1 * relu(vs - vx - theta0)' },
      code: 'unknown-symbol',
    },
    { description: 'a name that is not kebab-case', definition: { ...shiftRelu1, name: 'ShiftRelu1' }, code: 'invalid-name' },
  ],
});
