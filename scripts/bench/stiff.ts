import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createCircuit, KclDynamics, solve, type Circuit, type CompiledBranchType, type JacobianTerm, type SolverConfig } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type MnistLogitsFixture } from '../../test/support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from '../../test/support/kirchhoff-context';
import { loadPretrainedMnist } from '../../test/support/mnist-model';
import { medianMs } from './stats';

/**
 * An RC ladder ground — 1 — 2 — … — N with C = 1 F on every node and series conductances falling
 * log-evenly from 1e4 S (ground to node 1) to 1e-3 S (node N−1 to N): time constants from ~1e-4 s to
 * ~1e3 s, a stiffness ratio above 1e7. Linear, so the exact Jacobian never changes.
 */
export function rcLadder(conductance: CompiledBranchType, nodes: number): Circuit {
  const src = Array.from({ length: nodes }, (_, k) => k);
  const dst = Array.from({ length: nodes }, (_, k) => k + 1);
  const params = Array.from({ length: nodes }, (_, k) => 10 ** (4 - (7 * k) / (nodes - 1)));
  return unwrap(createCircuit({ numNodes: nodes, groups: [{ type: conductance, src, dst, params }] }));
}

/** Voltages that excite every mode, a different start per sample. */
export function ladderStart(size: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => Math.sin(i + 1));
}

interface Run {
  readonly attempts: number;
  readonly rejected: number;
  readonly nfe: number;
  readonly jvp: number;
  readonly ms: number;
  readonly error: number;
}

const SOLVERS = ['dopri5', 'backward-euler', 'trapezoidal', 'bdf2', 'tr-bdf2'];
const TOLERANCES = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];

/**
 * `pnpm bench stiff`: steps, NFE (vector-field evaluations), Jacobian–vector products and wall time of
 * every solver on the RC ladder, at a sweep of tolerances and at matched accuracy, then dense LU against
 * GMRES on a large ladder and on the MNIST model. Times are medians of three runs after one warm-up,
 * except single runs where noted in the code (runs of a second or more).
 */
export function run(): void {
  const container = builtinContainer();
  const conductance = catalogOf(container).require('conductance');
  const T = 10;
  const B = 2;
  console.log(`stiff: RC ladder, conductances 1e4 … 1e-3 S, C = 1 F, t ∈ [0, ${T}] s, B = ${B}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, single thread\n`);

  const small = ladderProblem(container, conductance, 30, B, T, 1e-12);
  const sweep = new Map<string, Run[]>();
  console.log('## 30 nodes: every solver at rtol = atol = tol (implicit: dense LU, chosen automatically)\n');
  console.log('| solver | tol | steps (rejected) | NFE | JVP | time | max error |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of SOLVERS) {
    // Dormand–Prince's runs take a second each: timed once.
    const runs = TOLERANCES.map((tol) => measure(small, { name, rtol: tol, atol: tol, maxSteps: 1e7 }, name === 'dopri5' ? 1 : 3));
    sweep.set(name, runs);
    runs.forEach((r, i) => console.log(row(name, TOLERANCES[i], r)));
  }

  console.log('\n## 30 nodes at matched accuracy: the loosest tolerance whose error is within Dormand–Prince\'s\n');
  console.log('| target | solver | tol | steps | NFE | JVP | time | max error | steps vs dopri5 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const dp = sweep.get('dopri5')!;
  for (const k of [0, 3]) {
    const target = dp[k].error;
    for (const name of SOLVERS) {
      const i = sweep.get(name)!.findIndex((r) => r.error <= target);
      if (i < 0) {
        console.log(`| ${target.toExponential(1)} | ${name} | – | not reached at tol ≥ 1e-8 | | | | | |`);
        continue;
      }
      const r = sweep.get(name)![i];
      console.log(
        `| ${target.toExponential(1)} | ${name} | ${TOLERANCES[i]} | ${r.attempts} | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(1)} ms | ${r.error.toExponential(1)} | ${name === 'dopri5' ? '–' : `${(dp[k].attempts / r.attempts).toFixed(0)}× fewer`} |`,
      );
    }
  }

  const large = ladderProblem(container, conductance, 400, B, T, 1e-10);
  console.log('\n## 400 nodes, tol 1e-6: dense LU against GMRES (Jacobi-preconditioned Jacobian–vector products)\n');
  console.log('| solver | linear solver | steps (rejected) | NFE | JVP | time | max error |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of ['tr-bdf2', 'bdf2']) {
    for (const [label, options] of [
      ['GMRES (auto: 400 > denseLimit 64)', {}],
      ['dense LU (denseLimit 400)', { denseLimit: 400 }],
    ] as const) {
      const r = measure(large, { name, rtol: 1e-6, atol: 1e-6, options }, 1);
      console.log(`| ${name} | ${label} | ${r.attempts} (${r.rejected}) | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(1)} ms | ${r.error.toExponential(1)} |`);
    }
  }
  const dpLarge = measure(large, { name: 'dopri5', rtol: 1e-6, atol: 1e-6, maxSteps: 1e7 }, 1);
  console.log(`| dopri5 | – | ${dpLarge.attempts} (${dpLarge.rejected}) | ${dpLarge.nfe} | 0 | ${dpLarge.ms.toFixed(1)} ms | ${dpLarge.error.toExponential(1)} |`);

  mnist(container);
}

/**
 * The released MNIST model's first slice (834 nodes, 230 068 ShiftRelu1 branches, the fixture's 8 digits):
 * not stiff, so no implicit solver beats Dormand–Prince here; the point is that GMRES on Jacobian–vector
 * products makes a step cost a few passes over the branches, where one dense LU would cost B·N³/3 flops.
 */
function mnist(container: ReturnType<typeof builtinContainer>): void {
  const fx = readFixtureJson<MnistLogitsFixture>('mnist_pretrained_logits.json');
  const model = loadPretrainedMnist(catalogOf(container));
  const B = fx.inputs.length;
  const y0 = toNodeMajor(fx.inputs.map((px) => [...px, ...new Array(50).fill(0)]), 834);
  const dynamics = new KclDynamics(model.slices[0].circuit, B);
  const term = countingJvp(dynamics);
  const reference = solve(dynamics, setupOf(container, { name: 'dopri5', rtol: 1e-8, atol: 1e-8 }).solver, {
    ...setupOf(container, { name: 'dopri5', rtol: 1e-8, atol: 1e-8 }).options,
    t0: 0,
    t1: 1,
    y0,
  }).yFinal;
  const problem: Problem = { container, term, y0, T: 1, reference };
  const vfMs = medianMs(() => dynamics.vf(0, y0, new Float64Array(dynamics.size)), 5, 1).median;
  const jvpMs = medianMs(() => dynamics.jvp(0, y0, reference, new Float64Array(dynamics.size)), 5, 1).median;
  console.log(`\n## MNIST slice 0 (834 nodes, ${model.slices[0].circuit.groups[0].size} branches, B = ${B}), t ∈ [0, 1], tol 1e-3`);
  console.log(`one vector field ${vfMs.toFixed(1)} ms, one Jacobian–vector product ${jvpMs.toFixed(1)} ms; a dense LU of the ${B} blocks would be ${((B * 834 ** 3) / 3 / 1e9).toFixed(1)} GFLOP per refactorisation\n`);
  console.log('| solver | linear solver | steps (rejected) | NFE | JVP | time | max error vs dopri5 1e-8 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of ['dopri5', 'bdf2', 'tr-bdf2']) {
    const r = measure(problem, { name, rtol: 1e-3, atol: 1e-3 }, 1);
    console.log(`| ${name} | ${name === 'dopri5' ? '–' : 'GMRES (auto)'} | ${r.attempts} (${r.rejected}) | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(0)} ms | ${r.error.toExponential(1)} |`);
  }
}

interface Problem {
  readonly container: ReturnType<typeof builtinContainer>;
  readonly term: JacobianTerm & { jvps: number };
  readonly y0: Float64Array;
  readonly T: number;
  readonly reference: Float64Array;
}

function ladderProblem(
  container: ReturnType<typeof builtinContainer>,
  conductance: CompiledBranchType,
  nodes: number,
  B: number,
  T: number,
  referenceTol: number,
): Problem {
  const dynamics = new KclDynamics(rcLadder(conductance, nodes), B);
  const term = countingJvp(dynamics);
  const y0 = ladderStart(dynamics.size);
  // TR-BDF2 at a tolerance far below the errors it is compared with (their smallest: ~5e-8 and ~1e-5).
  const setup = setupOf(container, { name: 'tr-bdf2', rtol: referenceTol, atol: referenceTol, maxSteps: 1e7 });
  const reference = solve(dynamics, setup.solver, { ...setup.options, t0: 0, t1: T, y0 }).yFinal;
  return { container, term, y0, T, reference };
}

/** The dynamics, counting Jacobian–vector products (`solve` counts vector-field evaluations itself). */
function countingJvp(dynamics: KclDynamics): JacobianTerm & { jvps: number } {
  const term = {
    size: dynamics.size,
    batch: dynamics.batch,
    jvps: 0,
    vf: (t: number, y: Float64Array, out: Float64Array) => dynamics.vf(t, y, out),
    jvp(t: number, y: Float64Array, u: Float64Array, out: Float64Array) {
      term.jvps++;
      dynamics.jvp(t, y, u, out);
    },
    withBatch: (b: number) => dynamics.withBatch(b),
    describeIndex: (i: number) => dynamics.describeIndex(i),
  };
  return term;
}

function measure(problem: Problem, config: SolverConfig, repeats = 3): Run {
  const setup = setupOf(problem.container, config);
  const once = () => {
    problem.term.jvps = 0;
    const start = performance.now();
    const solution = solve(problem.term, setup.solver, { ...setup.options, t0: 0, t1: problem.T, y0: problem.y0 });
    return { solution, ms: performance.now() - start, jvp: problem.term.jvps };
  };
  if (repeats > 1) once();
  const runs = Array.from({ length: repeats }, once).sort((a, b) => a.ms - b.ms);
  const { solution, ms, jvp } = runs[Math.floor(runs.length / 2)];
  const { acceptedSteps, rejectedSteps, nfe } = solution.stats;
  let error = 0;
  solution.yFinal.forEach((v, i) => (error = Math.max(error, Math.abs(v - problem.reference[i]))));
  return { attempts: acceptedSteps + rejectedSteps, rejected: rejectedSteps, nfe, jvp, ms, error };
}

function row(name: string, tol: number, r: Run): string {
  return `| ${name} | ${tol} | ${r.attempts} (${r.rejected}) | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(1)} ms | ${r.error.toExponential(1)} |`;
}
