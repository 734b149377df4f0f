import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  createCircuit,
  defineBranch,
  KclDynamics,
  solve,
  type BranchCatalog,
  type Circuit,
  type CompiledBranchType,
  type JacobianTerm,
  type SolverConfig,
} from '@kirchhoff/core';
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

/**
 * A tunnel-diode relaxation oscillator (two nodes, an ODE). Node 1 carries the tunnel diode (reference
 * defaults: peak 0.1 V / 1 mA, valley 0.462 V / 0.156 mA) to ground and a small capacitor C_A. An
 * inductor L in series with a resistor R connects it to a bias V_b: L·di/dt = V_b − R·i − v1, with
 * V_b = v* + R·I(v*) putting the load line through the NDR region at v* = 0.25 V. Branch currents here
 * are functions I(vs, vd), so the inductor is a gyrator: node 2 (C_g) carries i/g, and
 *   C_A·dv1/dt = g·v2 − I_TD(v1),   C_g·dv2/dt = g·(V_b − v1) − R·g²·v2,
 * an inductance L = C_g/g², built from `affine-vccs` branches (I = a·vs + b·vd + c) with compensating
 * pairs, since a single branch always takes from its source what it gives its destination:
 *   2→1 (a = g): node 1 gains g·v2, node 2 loses it; 0→2 (b = g, c = g·V_b): node 2 gains g·v2 + g·V_b;
 *   1→2 (a = −g): node 2 loses g·v1, node 1 gains it; 1→0 (a = g): node 1 loses g·v1;
 * and a conductance R·g² from node 2 to ground. With R = 50 Ω < 1/3.68 mS the load line crosses the
 * device curve once, in the NDR region, where the equilibrium is an unstable node: the orbit is a
 * relaxation limit cycle, i ramping slowly along the two positive-resistance branches (v1 ≈ 0.01–0.08 V
 * and ≈ 0.50–0.58 V) and v1 jumping between them in ~C_A·0.5 V/1 mA. C_A = 0.1 µF, L = 150 H (C_g = 150 µF),
 * g = 1 mS: period 1.03 s, jumps (0.15 → 0.45 V) 75 µs, fastest time constant C_A/27 mS = 3.7 µs (the bench
 * measures and prints the first three on its reference solution).
 *
 * `bias: 'resistor'` builds the same oscillator with R as a real branch to a node 3 without capacitance
 * (v3 = V_b − R·i, held by its branches alone): an index-1 DAE with the same solution for nodes 1 and 2.
 */
export function tunnelOscillator(catalog: BranchCatalog, bias: 'folded' | 'resistor' = 'folded'): Circuit {
  const conductance = catalog.require('conductance');
  const tunnel = catalog.require('tunnel-diode');
  const vccs = catalog.require(AFFINE_VCCS);
  const diode = tunnel.definition.meta.params.map((p) => p.init as number);
  const { CA, g, L, R, vStar } = OSCILLATOR;
  const Vb = vStar + R * tunnel.law.evaluateAt([vStar, 0], diode).currents[0];
  const Cg = L * g * g;
  if (bias === 'folded') {
    return unwrap(
      createCircuit({
        numNodes: 2,
        capacitance: [CA, Cg],
        groups: [
          { type: tunnel, src: [1], dst: [0], params: diode },
          // Rows a, b, c over the edges 2→1, 0→2, 1→2, 1→0.
          { type: vccs, src: [2, 0, 1, 1], dst: [1, 2, 2, 0], params: [g, 0, -g, g, 0, g, 0, 0, 0, g * Vb, 0, 0] },
          { type: conductance, src: [2], dst: [0], params: [R * g * g] },
        ],
      }),
    );
  }
  // Node 3 (no capacitance): V_b/R in, 1/R to ground, and the gyrator between nodes 3 and 1:
  // 2→1 (a = g); 3→2 (a = b = g): node 2 gains g·v3 + g·v2, node 3 loses it; 0→3 (b = g, c = V_b/R):
  // node 3 gains g·v3 back, and V_b/R; 1→2 (a = −g) and 1→0 (a = g) as before.
  return unwrap(
    createCircuit({
      numNodes: 3,
      capacitance: [CA, Cg, 0],
      groups: [
        { type: tunnel, src: [1], dst: [0], params: diode },
        { type: vccs, src: [2, 3, 0, 1, 1], dst: [1, 2, 3, 2, 0], params: [g, g, 0, -g, g, 0, g, g, 0, 0, 0, 0, Vb / R, 0, 0] },
        { type: conductance, src: [3], dst: [0], params: [1 / R] },
      ],
    }),
  );
}

const OSCILLATOR = { CA: 1e-7, g: 1e-3, L: 150, R: 50, vStar: 0.25 };

/** I = a·vs + b·vd + c: voltage-controlled current sources, for the gyrator. */
const AFFINE_VCCS = defineBranch({
  name: 'affine-vccs',
  meta: {
    description: 'a·vs + b·vd + c: a voltage-controlled current source',
    params: [
      { name: 'a', description: 'transconductance from the source voltage (S)' },
      { name: 'b', description: 'transconductance from the destination voltage (S)' },
      { name: 'c', description: 'constant current (A)' },
    ],
    kind: 'controlled',
  },
  current: 'a * vs + b * vd + c',
});

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

const SECTIONS = ['ladder', 'oscillator', 'large', 'mnist'] as const;

/**
 * `pnpm bench stiff [section]`: steps, NFE (vector-field evaluations), Jacobian–vector products and wall
 * time of every solver on the RC ladder and on a tunnel-diode relaxation oscillator (also as a DAE), at a
 * sweep of tolerances and at matched accuracy, then dense LU against GMRES on a large ladder and on the
 * MNIST model. Sections: ladder, oscillator, large, mnist (default: all). Times are medians of three runs
 * after one warm-up, except single runs where noted in the code (runs of a second or more).
 */
export function run(): void {
  const only = process.argv[3];
  if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
    throw new Error(`unknown section '${only}'; sections: ${SECTIONS.join(', ')}`);
  }
  const wanted = (section: (typeof SECTIONS)[number]) => only === undefined || only === section;
  const container = builtinContainer();
  console.log(`stiff: machine ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, single thread`);
  if (wanted('ladder')) ladder(container);
  if (wanted('oscillator')) oscillator(container);
  if (wanted('large')) largeLadder(container);
  if (wanted('mnist')) mnist(container);
}

function ladder(container: ReturnType<typeof builtinContainer>): void {
  const conductance = catalogOf(container).require('conductance');
  const T = 10;
  const B = 2;
  console.log(`\n# RC ladder, conductances 1e4 … 1e-3 S, C = 1 F, t ∈ [0, ${T}] s, B = ${B}\n`);
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
}

function largeLadder(container: ReturnType<typeof builtinContainer>): void {
  const conductance = catalogOf(container).require('conductance');
  const large = ladderProblem(container, conductance, 400, 2, 10, 1e-10);
  console.log('\n## RC ladder, 400 nodes, B = 2, t ∈ [0, 10] s, tol 1e-6: dense LU against GMRES (Jacobi-preconditioned Jacobian–vector products)\n');
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
}

/**
 * The tunnel-diode relaxation oscillator (`tunnelOscillator`) over t ∈ [0, 3] s (three periods, T in a slow
 * phase), from v = 0: the limit cycle of the reference, every solver over a tolerance sweep, matched
 * accuracy against Dormand–Prince, and the same oscillator as a DAE (bias resistor to a node without
 * capacitance), which only the implicit solvers integrate.
 */
function oscillator(container: ReturnType<typeof builtinContainer>): void {
  const catalog = catalogOf(container);
  const T = 3;
  const ode = new KclDynamics(tunnelOscillator(catalog), 1);
  const y0 = new Float64Array(2);
  const referenceSetup = setupOf(container, { name: 'tr-bdf2', rtol: 1e-12, atol: 1e-12, maxSteps: 1e7 });
  const grid = Array.from({ length: 3001 }, (_, k) => (k * T) / 3000);
  const reference = solve(ode, referenceSetup.solver, { ...referenceSetup.options, t0: 0, t1: T, y0, saveAt: grid });
  const cycle = limitCycle(grid, reference.ys, (t0, start, t1, saveAt) =>
    solve(ode, referenceSetup.solver, { ...referenceSetup.options, t0, t1, y0: start, saveAt }).ys,
  );
  const { CA, g, L, R } = OSCILLATOR;
  console.log(`\n## Tunnel-diode relaxation oscillator: C_A = ${CA} F, L = ${L} H (gyrator g = ${g} S, C_g = ${L * g * g} F), R = ${R} Ω, bias in the NDR region, t ∈ [0, ${T}] s\n`);
  console.log(
    `reference (tr-bdf2 at 1e-12, ${reference.stats.acceptedSteps} steps): a limit cycle with period ${cycle.period.toFixed(3)} s over ${cycle.jumps} upward jumps, ` +
      `v1 between ${cycle.low.toFixed(3)} and ${cycle.high.toFixed(3)} V (the slow branches), each jump from 0.15 to 0.45 V in ${(cycle.jumpTime * 1e6).toFixed(0)} µs; ` +
      `i = g·v2 between ${(g * Math.min(...reference.ys.slice(1000).map((y) => y[1])) * 1e3).toFixed(3)} and ${(g * Math.max(...reference.ys.slice(1000).map((y) => y[1])) * 1e3).toFixed(3)} mA. Errors: max over v1, v2 at T.\n`,
  );
  const problem: Problem = { container, term: countingJvp(ode), y0, T, reference: reference.yFinal };
  const tolerances = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];
  const sweep = new Map<string, (Run | undefined)[]>();
  console.log('| solver | tol | steps (rejected) | NFE | JVP | time | error at T |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of SOLVERS) {
    // Dormand–Prince is held to ~130 000 steps by the fast mode whatever the tolerance (seconds a run: timed
    // once, down to 1e-8); backward Euler's steps grow like 1/tol (down to 1e-8).
    const runs = tolerances.map((tol) => {
      if ((name === 'dopri5' || name === 'backward-euler') && tol < 1e-8) return undefined;
      return measure(problem, { name, rtol: tol, atol: tol, maxSteps: 1e7 }, name === 'dopri5' || (name === 'backward-euler' && tol < 1e-6) ? 1 : 3);
    });
    sweep.set(name, runs);
    runs.forEach((r, i) => r && console.log(row(name, tolerances[i], r)));
  }
  console.log("\nMatched accuracy: each solver's loosest tolerance whose error at T is within Dormand–Prince's\n");
  console.log('| target | solver | tol | steps (rejected) | NFE | JVP | time | error at T | steps vs dopri5 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const dp = sweep.get('dopri5')!;
  for (const k of [0, 3]) {
    const target = dp[k]!.error;
    for (const name of SOLVERS) {
      const runs = sweep.get(name)!;
      const i = runs.findIndex((r) => r !== undefined && r.error <= target);
      if (i < 0) {
        console.log(`| ${target.toExponential(1)} | ${name} | – | not reached in the sweep | | | | | |`);
        continue;
      }
      const r = runs[i]!;
      console.log(
        `| ${target.toExponential(1)} | ${name} | ${tolerances[i]} | ${r.attempts} (${r.rejected}) | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(1)} ms | ${r.error.toExponential(1)} | ${name === 'dopri5' ? '–' : `${(dp[k]!.attempts / r.attempts).toFixed(0)}× fewer`} |`,
      );
    }
  }

  // The DAE variant: nodes 1 and 2 follow the same solution, node 3 (no capacitance) is V_b − R·i.
  const dae = new KclDynamics(tunnelOscillator(catalog, 'resistor'), 1);
  const daeProblem: Problem = { container, term: countingJvp(dae), y0: new Float64Array(3), T, reference: reference.yFinal };
  console.log(
    `\n### The same oscillator with R as a branch to node 3, which has no capacitance (an index-1 DAE; node 3 starts at 0 V, inconsistent, and is corrected to V_b − R·i); errors of v1, v2 at T against the ODE reference\n`,
  );
  console.log('| solver | tol | steps (rejected) | NFE | JVP | time | error at T | ODE form: steps, error |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const name of SOLVERS.slice(1)) {
    for (const tol of [1e-4, 1e-6, 1e-8]) {
      const r = measure(daeProblem, { name, rtol: tol, atol: tol, maxSteps: 1e7 }, name === 'backward-euler' && tol < 1e-6 ? 1 : 3);
      const o = sweep.get(name)![tolerances.indexOf(tol)]!;
      console.log(`${row(name, tol, r)} ${o.attempts}, ${o.error.toExponential(1)} |`);
    }
  }
  let refused = '';
  try {
    solve(dae, setupOf(container, { name: 'dopri5' }).solver, { ...setupOf(container, { name: 'dopri5' }).options, t0: 0, t1: T, y0: new Float64Array(3) });
  } catch (error) {
    refused = `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  console.log(`\ndopri5 on the DAE form: ${refused || 'not refused (unexpected)'}`);
}

/**
 * Period (mean time between upward crossings of 0.3 V), the range of v1 after the first jump, and how long
 * the first upward jump takes from 0.15 V to 0.45 V: the grid is far coarser than a jump, so the grid cell
 * it lies in is solved again with a fine output grid (`refine`).
 */
function limitCycle(
  ts: readonly number[],
  ys: readonly Float64Array[],
  refine: (t0: number, y0: Float64Array, t1: number, saveAt: number[]) => Float64Array[],
): { period: number; jumps: number; low: number; high: number; jumpTime: number } {
  const v = ys.map((y) => y[0]);
  const up = ts.filter((_, k) => k > 0 && v[k - 1] < 0.3 && v[k] >= 0.3);
  const period = up.length > 1 ? (up[up.length - 1] - up[0]) / (up.length - 1) : Number.NaN;
  const first = ts.indexOf(up[0]);
  const after = v.slice(first);
  let start = first - 1;
  while (start > 0 && v[start] >= 0.15) start--;
  const t0 = ts[start];
  const t1 = ts[first];
  const fine = Array.from({ length: 20001 }, (_, k) => t0 + ((t1 - t0) * k) / 20000);
  const vf = refine(t0, ys[start], t1, fine).map((y) => y[0]);
  const at = (level: number) => fine[vf.findIndex((x) => x >= level)];
  return { period, jumps: up.length, low: Math.min(...after), high: Math.max(...after), jumpTime: at(0.45) - at(0.15) };
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
    ...(dynamics.mass && { mass: dynamics.mass }),
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
  // The reference may cover the leading entries only (the DAE form's extra node is not compared).
  let error = 0;
  problem.reference.forEach((r, i) => (error = Math.max(error, Math.abs(solution.yFinal[i] - r))));
  return { attempts: acceptedSteps + rejectedSteps, rejected: rejectedSteps, nfe, jvp, ms, error };
}

function row(name: string, tol: number, r: Run): string {
  return `| ${name} | ${tol} | ${r.attempts} (${r.rejected}) | ${r.nfe} | ${r.jvp} | ${r.ms.toFixed(1)} ms | ${r.error.toExponential(1)} |`;
}
