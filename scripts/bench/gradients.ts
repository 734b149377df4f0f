import { backsolve, checkpointed, discrete } from '@kirchhoff/core';
import { allTypeRefs, continuousError, discreteError, refName } from '../../test/support/gradient-problems';

/** The measured errors behind test/gradient-check.test.ts, per branch type and gradient method. */
export function run(): void {
  console.log('Gradient error relative to the largest gradient, random two-slice circuits (test/support/gradient-problems.ts)\n');
  console.log('| branch type | backsolve (tol 1e-11) | checkpointed (tol 1e-11) | discrete (tol 1e-4, same steps) |');
  console.log('|---|---|---|---|');
  for (const ref of allTypeRefs) {
    const cells = [continuousError(ref, backsolve), continuousError(ref, checkpointed), discreteError(ref, discrete).error].map((e) => e.toExponential(1));
    console.log(`| ${refName(ref)} | ${cells.join(' | ')} |`);
  }
}
