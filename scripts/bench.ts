import 'reflect-metadata';

/** `pnpm bench <name>`: runs scripts/bench/<name>.ts. Figures are medians of repeated runs in one process. */
const benches: Record<string, () => Promise<{ run(): Promise<void> | void }>> = {
  accuracy: () => import('./bench/accuracy'),
  'denseam-scaling': () => import('./bench/denseam-scaling'),
  gradients: () => import('./bench/gradients'),
  kernels: () => import('./bench/kernels'),
  stiff: () => import('./bench/stiff'),
  'mnist-eval': () => import('./bench/mnist-eval'),
  'mnist-step': () => import('./bench/mnist-step'),
  'spice-mnist': () => import('./bench/spice-mnist'),
  'train-twomoon': () => import('./bench/train-twomoon'),
  'train-twomoon-cnf': () => import('./bench/train-twomoon-cnf'),
};

const name = process.argv[2];
if (!name || !(name in benches)) {
  console.error(`usage: pnpm bench <name>; benches: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const bench = await benches[name]();
await bench.run();
