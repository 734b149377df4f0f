export * from './branch-tester';
export * from './dataset-tester';
export * from './solver-tester';
export * from './ode-problems';
export * from './random-circuits';
export * from './simd-agreement';
