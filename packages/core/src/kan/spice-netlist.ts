import { KirchhoffError } from '../errors';
import type { FunctionTable } from '../symbolic/function-table';
import { spiceNumber, translateBranchType } from '../spice/translate';
import type { DeviceBasis } from './basis';
import type { KanModel } from './model';
import { NORM_EPS } from './norm';
import { CLAMP_HIGH, type PreFunction } from './pre';

/**
 * An ngspice netlist of a trained KAN evaluating one sample, in the circuit reading of kanalogue.md §4:
 *
 * - every input i of a layer drives, for each basis d, a device: a B-source current I_d(v_s = V, v_d = 0)
 *   from a drive node held at V = the basis's scaled, clamped, pre-processed input (a B voltage source:
 *   the pre-function and the input-to-voltage map are peripheral circuits, written as expressions) into a
 *   0 V source, the virtual ground of a transimpedance amplifier;
 * - the TIA (a current-controlled voltage source, H) outputs the row voltage φ_d = I_d/I_scale;
 * - the crossbar: each coefficient c is a resistor of conductance |c|·G0 from its row to the + or − line of
 *   its column (a differential pair: the sign picks the line), both lines held at 0 V by sense sources;
 * - each column's output amplifier gives y_o = (I₊ − I₋)/G0 + b_o (a B voltage source reading the two
 *   sense currents); the norm between layers (evaluation mode) is another B voltage source per feature.
 *
 * All sources are DC; a two-point transient writes every node (`wrdata`), whose last row is the operating
 * point. `G0` only sets the physical currents: the outputs do not depend on it.
 */
export interface KanSpiceRequest {
  readonly model: KanModel;
  /** One sample's inputs (widths[0] values). */
  readonly input: ArrayLike<number>;
  readonly functions: FunctionTable;
  /** Unit conductance (S) of a coefficient of 1; default 1e-3. */
  readonly unitConductance?: number;
  /** With a file name, a control block runs ngspice and writes every vector there. */
  readonly dataFile?: string;
  readonly title?: string;
}

/** The node holding output o of the last layer. */
export const kanOutputNode = (model: KanModel, o: number): string => `y${model.layout.length - 1}_${o}`;

function preSpice(pre: PreFunction, x: string): string {
  switch (pre) {
    case 'none':
      return x;
    case 'clamp':
      return `min(${CLAMP_HIGH}, max(0, ${x}))`;
    case 'hardtanh':
      return `min(1, max(-1, ${x}))`;
    case 'sigmoid':
      return `1 / (1 + exp(-(${x})))`;
    case 'tanh':
      return `tanh(${x})`;
  }
}

export function writeKanSpiceNetlist(request: KanSpiceRequest): string {
  const { model, input } = request;
  const g0 = request.unitConductance ?? 1e-3;
  if (input.length !== model.spec.widths[0]) throw new KirchhoffError('kan-spice-input', `the sample has ${input.length} values, the KAN takes ${model.spec.widths[0]}`);
  const lines: string[] = [`* ${request.title ?? 'KAN'}: widths [${model.spec.widths.join(', ')}], one sample (kirchhoff kan spice)`];
  const push = (line: string) => lines.push(line);
  const n = spiceNumber;
  for (let i = 0; i < input.length; i++) push(`Vin_${i} x0_${i} 0 DC ${n(input[i])}`);
  model.layout.forEach((L, l) => {
    const layer = model.spec.layers[l];
    const c = model.params[L.coefficients];
    const bias = model.params[L.bias];
    push(`* layer ${l}: ${L.nIn}×${L.D} devices, crossbar ${L.nIn * L.D} rows × ${L.nOut} columns`);
    for (let i = 0; i < L.nIn; i++) {
      layer.bases.forEach((basis, d) => {
        if (!('type' in basis)) throw new KirchhoffError('kan-spice-basis', `basis '${basis.name}' is not a device; only device bases have a SPICE form`);
        const device = basis as DeviceBasis;
        const { inputLow, inputHigh, voltageLow, voltageHigh, currentScale } = device.scaling;
        const gain = (voltageHigh - voltageLow) / (inputHigh - inputLow);
        const tag = `${l}_${i}_${d}`;
        const x = preSpice(layer.pre, `v(x${l}_${i})`);
        push(`Bdrv_${tag} dn_${tag} 0 V = ${n(voltageLow)} + (min(${n(inputHigh)}, max(${n(inputLow)}, ${x})) - ${n(inputLow)}) * ${n(gain)}`);
        const law = translateBranchType(device.type, request.functions);
        push(`Bdev_${tag} dn_${tag} vg_${tag} I = ${law.expression({ theta: (k) => device.theta[k], vs: `v(dn_${tag})`, vd: '0' })}`);
        push(`Vvg_${tag} vg_${tag} 0 DC 0`);
        push(`Htia_${tag} row_${tag} 0 Vvg_${tag} ${n(1 / currentScale)}`);
        for (let o = 0; o < L.nOut; o++) {
          const coefficient = c[(i * L.D + d) * L.nOut + o];
          if (coefficient === 0) continue;
          push(`R_${tag}_${o} row_${tag} col${coefficient > 0 ? 'p' : 'n'}${l}_${o} ${n(1 / (Math.abs(coefficient) * g0))}`);
        }
      });
    }
    for (let o = 0; o < L.nOut; o++) {
      push(`Vcp${l}_${o} colp${l}_${o} 0 DC 0`);
      push(`Vcn${l}_${o} coln${l}_${o} 0 DC 0`);
      push(`Bsum${l}_${o} y${l}_${o} 0 V = (i(Vcp${l}_${o}) - i(Vcn${l}_${o})) / ${n(g0)} + ${n(bias[o])}`);
    }
    if (l === model.layout.length - 1) return;
    for (let o = 0; o < L.nOut; o++) push(`Bnorm${l}_${o} x${l + 1}_${o} 0 V = ${normExpression(model, l, o)}`);
  });
  push('.options reltol=1e-9 abstol=1e-15 vntol=1e-12');
  push('.tran 1n 2n');
  if (request.dataFile !== undefined) {
    for (const line of [".control", "set wr_vecnames", "set wr_singlescale", "option numdgt=16", "run", `wrdata ${request.dataFile} all`, "quit 0", ".endc"]) push(line);
  }
  push('.end');
  return `${lines.join('\n')}\n`;
}

/** The norm after layer l at feature o, in evaluation mode, as an expression of the layer's outputs. */
function normExpression(model: KanModel, l: number, o: number): string {
  const L = model.layout[l];
  const n = spiceNumber;
  const y = (k: number) => `v(y${l}_${k})`;
  if (!L.norm) return y(o);
  const gamma = model.params[L.norm.gamma][o];
  const beta = model.params[L.norm.beta][o];
  if (L.norm.runningMean !== undefined) {
    const scale = gamma / Math.sqrt(model.params[L.norm.runningVar!][o] + NORM_EPS);
    return `${n(scale)} * (${y(o)} - ${n(model.params[L.norm.runningMean][o])}) + ${n(beta)}`;
  }
  const F = L.nOut;
  const mean = `((${Array.from({ length: F }, (_, k) => y(k)).join(' + ')}) / ${F})`;
  const variance = `((${Array.from({ length: F }, (_, k) => `(${y(k)} - ${mean}) * (${y(k)} - ${mean})`).join(' + ')}) / ${F})`;
  return `${n(gamma)} * (${y(o)} - ${mean}) / sqrt(${variance} + ${n(NORM_EPS)}) + ${n(beta)}`;
}
