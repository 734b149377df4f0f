import { elementLines } from './netlist-elements';
import { KirchhoffError } from '../errors';
import type { Circuit } from '../circuit/circuit';
import { FunctionTable } from '../symbolic/function-table';
import { GROUND, spiceNumber, translateBranchType, type SpiceLaw } from './translate';
import { formatSi } from './units';

/**
 * Physical units for the exported circuit. A KirchhoffNet has 1 F capacitors and runs for unit time; with
 * C = c·c0, t = t̂·τ and v = α·v̂ (hats: the model's values), C·dv/dt = (c0·α/τ)·ĉ·dv̂/dt̂ = (c0·α/τ)·I(v̂), so
 * every branch current is multiplied by c0·α/τ and reads its terminals as v/α. With α = 1 (the default)
 * the node voltages are the model's, at times scaled by τ.
 */
export interface SpiceScaling {
  /** c0: farads per model farad (a node with C = 1 gets c0). Default 1. */
  readonly capacitance?: number;
  /** τ: seconds per model time unit. Default 1. */
  readonly timeConstant?: number;
  /** α: volts per model volt. Default 1. */
  readonly voltage?: number;
}

export interface ResolvedScaling {
  readonly capacitance: number;
  readonly timeConstant: number;
  readonly voltage: number;
  /** Amperes per model current unit: c0·α/τ. */
  readonly current: number;
}

export function resolveScaling(scaling: SpiceScaling = {}): ResolvedScaling {
  const capacitance = scaling.capacitance ?? 1;
  const timeConstant = scaling.timeConstant ?? 1;
  const voltage = scaling.voltage ?? 1;
  for (const [name, value] of [['capacitance', capacitance], ['time constant', timeConstant], ['voltage scale', voltage]] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new KirchhoffError('invalid-spice-scaling', `the ${name} must be a finite number > 0, got ${value}`);
  }
  return { capacitance, timeConstant, voltage, current: (capacitance * voltage) / timeConstant };
}

/**
 * ngspice's transient settings, in model units (the writer scales them). The defaults are tight: the
 * co-simulation test expects agreement with Kirchhoff's dopri5 at 1e-10 to 1e-4 relative.
 */
export interface SpiceTransient {
  /** Output rows over the slice: the `.tran` step is duration / points (default 200). */
  readonly points?: number;
  /** Largest internal step, model time units (default duration / 2000). */
  readonly maxStep?: number;
  /** ngspice `reltol` (default 1e-6; ngspice's own default is 1e-3). */
  readonly reltol?: number;
  /** ngspice `abstol`, in model current units (default 1e-12). */
  readonly abstol?: number;
  /** ngspice `vntol`, in model volts (default 1e-9). */
  readonly vntol?: number;
  /** ngspice `chgtol`, in model charge units, C·V (default 1e-14). */
  readonly chgtol?: number;
  /** Integration method (default `trap`, ngspice's default). */
  readonly method?: 'trap' | 'gear';
}

export const DEFAULT_SPICE_TRANSIENT: Required<SpiceTransient> = { points: 200, maxStep: NaN, reltol: 1e-6, abstol: 1e-12, vntol: 1e-9, chgtol: 1e-14, method: 'trap' };

export interface SpiceNetlistRequest {
  readonly circuit: Circuit;
  /** Slice duration, model time units. */
  readonly duration: number;
  /** Initial voltages of nodes 1..N, model volts. */
  readonly initial: ArrayLike<number>;
  /** The functions the laws may call (a catalog's `functions`); default: the built-ins. */
  readonly functions?: FunctionTable;
  readonly scaling?: SpiceScaling;
  readonly transient?: SpiceTransient;
  /** Nodes whose voltages are the model's output; `.print`/`.meas` lines name them. Default: every node. */
  readonly readoutNodes?: readonly number[];
  /** First line of the deck (SPICE reads it as the title). */
  readonly title?: string;
  /** Comment lines after the title. */
  readonly notes?: readonly string[];
  /**
   * With a file name: a `.control` block runs the transient and writes every node voltage there (ngspice's
   * `wrdata`, 17 significant digits) and ngspice's run statistics to standard output; this is what the
   * co-simulation reads. Without: `.print` and `.meas` lines for the readout nodes, for a person running
   * `ngspice -b` on the file.
   */
  readonly dataFile?: string;
}

/** Element names: `B<group>_<edge>` for branches, `C<node>` for capacitors. */
export const branchElementName = (group: number, edge: number) => `B${group}_${edge}`;

/**
 * An ngspice netlist of one slice: a capacitor from every node to ground holding its initial voltage, one
 * behavioural current source per branch (`B… src dst I=…`: SPICE drives a source's current from its
 * first node through the source to its second, which is Kirchhoff's src → dst), and a `.tran … uic` over
 * the slice that starts from those initial voltages. Throws `spice-unsupported-function` for a law with
 * no ngspice form and `spice-algebraic-node` for a node without capacitance.
 */
export function writeSpiceNetlist(request: SpiceNetlistRequest): string {
  const { circuit, duration } = request;
  const N = circuit.numNodes;
  const scale = resolveScaling(request.scaling);
  const t = { ...DEFAULT_SPICE_TRANSIENT, ...request.transient };
  if (!(duration > 0) || !Number.isFinite(duration)) throw new KirchhoffError('invalid-duration', `slice duration must be a finite number > 0, got ${duration}`);
  if (request.initial.length !== N) throw new KirchhoffError('input-size', `${request.initial.length} initial voltages for ${N} nodes`);
  const points = Math.max(1, Math.round(t.points));
  const maxStep = Number.isFinite(t.maxStep) && t.maxStep > 0 ? t.maxStep : duration / 2000;
  const readout = request.readoutNodes ?? Array.from({ length: N }, (_, i) => i + 1);
  const functions = request.functions ?? new FunctionTable();
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);

  push(request.title ?? `Kirchhoff circuit: ${N} nodes, ${circuit.groups.reduce((n, g) => n + g.size, 0)} branches`);
  for (const note of request.notes ?? []) push(`* ${note}`);
  push(`* Units: model C = 1 F -> ${formatSi(scale.capacitance, 'F')}, model time 1 -> ${formatSi(scale.timeConstant, 's')}, model voltage 1 -> ${formatSi(scale.voltage, 'V')};`);
  push(`*   branch currents scaled by c0*alpha/tau = ${spiceNumber(scale.current)} A per model unit (see docs/spice.md).`);
  push('* Node 0 is ground. A branch current flows from its first node to its second.');
  push('');
  push('* Node capacitors, holding the initial voltages');
  for (let n = 1; n <= N; n++) {
    const c = circuit.capacitance[n - 1];
    if (!(c > 0)) throw new KirchhoffError('spice-algebraic-node', `node ${n} has no capacitance; the SPICE export needs a capacitor on every node (its initial voltage is held there)`);
    const v0 = request.initial[n - 1] * scale.voltage;
    push(`C${n} ${n} 0 ${spiceNumber(c * scale.capacitance)} IC=${spiceNumber(v0)}`);
  }
  const voltage = scale.voltage === 1 ? (n: number) => (n === 0 ? GROUND : `v(${n})`) : (n: number) => (n === 0 ? GROUND : `(v(${n}) / ${spiceNumber(scale.voltage)})`);
  const factor = scale.current === 1 ? '' : `${spiceNumber(scale.current)} * `;
  circuit.groups.forEach((group, g) => {
    const law: SpiceLaw = translateBranchType(group.type, functions);
    const E = group.size;
    push('');
    push(`* Group ${g}: ${E} branch${E === 1 ? '' : 'es'} of type ${group.type.definition.name}, I = ${law.text}`);
    const params = group.params;
    let e = 0;
    const edge = { theta: (k: number) => params[k * E + e], vs: '', vd: '' };
    for (; e < E; e++) {
      const s = group.src[e];
      const d = group.dst[e];
      edge.vs = voltage(s);
      edge.vd = voltage(d);
      const expression = law.expression(edge);
      push(`${branchElementName(g, e)} ${s} ${d} I = ${factor === '' ? expression : `${factor}(${expression})`}`);
    }
  });
  // Clamped nodes, controlled sources and couplings (DenseAM): netlist-elements.ts.
  for (const line of elementLines(circuit, request.initial, { voltage, voltageScale: scale.voltage, current: scale.current }, functions)) push(line);
  push('');
  // Settings, not model values: 12 significant digits keep `1e-9 / 200` from printing as 5.000000000000001e-12.
  const tol = (x: number) => spiceNumber(Number(x.toPrecision(12)));
  push(
    `.options reltol=${tol(t.reltol)} abstol=${tol(t.abstol * scale.current)} vntol=${tol(t.vntol * scale.voltage)} chgtol=${tol(t.chgtol * scale.capacitance * scale.voltage)} method=${t.method} interp`,
  );
  const tau = scale.timeConstant;
  const stop = duration * tau;
  push(`.tran ${tol((duration / points) * tau)} ${tol(stop)} 0 ${tol(maxStep * tau)} uic`);
  if (request.dataFile !== undefined) {
    push('.control');
    push('set wr_vecnames');
    push('set wr_singlescale');
    push('option numdgt=16');
    push('run');
    push(`wrdata ${request.dataFile} all`);
    push('rusage everything');
    // Without it, batch mode exits with 1 even after a good run; failures are read from the log.
    push('quit 0');
    push('.endc');
  } else {
    push(`* Readout: ${readout.length === N ? 'every node' : `nodes ${readout.join(', ')}`}, at the end of the slice (t = ${formatSi(stop, 's')})`);
    for (let i = 0; i < readout.length; i += 8) push(`.print tran ${readout.slice(i, i + 8).map((n) => `v(${n})`).join(' ')}`);
    for (const n of readout) push(`.meas tran v${n}_end find v(${n}) at=${tol(stop)}`);
  }
  push('.end');
  return `${lines.join('\n')}\n`;
}
