import type { Circuit } from '../circuit/circuit';
import type { CouplingGroup } from '../circuit/coupling';
import { compileUnitLaws } from '../circuit/activation';
import * as E from 'fp-ts/Either';
import { KirchhoffError } from '../errors';
import type { FunctionTable } from '../symbolic/function-table';
import { spiceNumber, translateTree } from './translate';

/**
 * SPICE lines for what a circuit has beyond branches (docs/denseam.md#spice):
 *
 * - clamped node n: an ideal source `V<n>clamp n 0 DC v0` (its capacitor stays, charged to the same v0);
 * - controlled source: `BS<g>_<e> 0 <out> I = <expr>`, current from ground into its output node;
 * - coupling c: its activation as amplifier output nodes `act<c>_<μ>`, each a behavioural voltage source
 *   `B… V = f(v(h_μ))` (softmax: exp(β·v(h)) sources normalised by a sum node `act<c>_sum`; there is no
 *   max shift, so β·v must stay below ngspice's exp limit of ≈ 228); then the crossbar: virtual-ground,
 *   one current source per target `I = Σ G·v(act)`; passive, real resistors R = 1/|G| from the activation
 *   node (G > 0) or from an inverted copy `actn<c>_<μ>` (G < 0) to the target node.
 */
export interface ElementScaling {
  /** Text for node n's model voltage (`v(3)` or `(v(3) / α)`). */
  readonly voltage: (node: number) => string;
  /** Volts per model volt. */
  readonly voltageScale: number;
  /** Multiplier of model currents, `c0·α/τ`. */
  readonly current: number;
}

export function elementLines(circuit: Circuit, initial: ArrayLike<number>, scale: ElementScaling, functions: FunctionTable): string[] {
  const lines: string[] = [];
  const factor = (expr: string) => (scale.current === 1 ? expr : `${spiceNumber(scale.current)} * (${expr})`);
  for (const n of circuit.clamped ?? []) {
    lines.push(`* Node ${n} is clamped by an ideal voltage source at its input`);
    lines.push(`V${n}clamp ${n} 0 DC ${spiceNumber(initial[n - 1] * scale.voltageScale)}`);
  }
  (circuit.sources ?? []).forEach((group, g) => {
    const { law, definition } = group.type;
    const translated = translateTree(law.currentTrees[0], law.law.ports, law.law.params, functions, `controlled source '${definition.name}'`);
    lines.push('', `* Controlled sources ${g}: ${group.size} of type ${definition.name}, current into the output node I = ${translated.text}`);
    for (let e = 0; e < group.size; e++) {
      const ports = group.conn.map((c) => scale.voltage(c[e]));
      const expression = translated.expression({ theta: (k) => group.params[k * group.size + e], vs: ports[0], vd: ports[1] ?? '0', ports });
      lines.push(`BS${g}_${e} 0 ${group.conn[group.conn.length - 1][e]} I = ${factor(expression)}`);
    }
  });
  (circuit.couplings ?? []).forEach((c, k) => lines.push('', ...couplingLines(c, k, scale, functions)));
  return lines;
}

function couplingLines(c: CouplingGroup, k: number, scale: ElementScaling, functions: FunctionTable): string[] {
  if (c.perSample) throw new KirchhoffError('spice-per-sample', `coupling ${k} has per-sample weights; export one sample's circuit with its own weights`);
  const M = c.source.length;
  const K = c.target.length;
  const def = c.activation.definition;
  const lines = [`* Coupling ${k}: ${def.name} of ${M} nodes (β = ${c.beta}) into a ${c.mode} crossbar to ${K} nodes`];
  const act = (m: number) => `act${k}_${m}`;
  const alpha = scale.voltageScale;
  const volts = (expr: string) => (alpha === 1 ? expr : `${spiceNumber(alpha)} * (${expr})`);
  if (def.kind === 'unit') {
    const laws = compileUnitLaws(def);
    if (E.isLeft(laws)) throw new KirchhoffError(laws.left[0].code, laws.left[0].message);
    const tree = laws.right.activation.currentTrees[0];
    const translated = translateTree(tree, ['h'], ['beta'], functions, `activation '${def.name}'`);
    for (let m = 0; m < M; m++) {
      const v = scale.voltage(c.source[m]);
      lines.push(`BA${k}_${m} ${act(m)} 0 V = ${volts(translated.expression({ theta: () => c.beta, vs: v, vd: '0', ports: [v] }))}`);
    }
  } else {
    const exp = (m: number) => `exp(${spiceNumber(c.beta)} * ${scale.voltage(c.source[m])})`;
    lines.push(`BA${k}_sum act${k}_sum 0 V = ${Array.from({ length: M }, (_, m) => exp(m)).join(' + ')}`);
    for (let m = 0; m < M; m++) lines.push(`BA${k}_${m} ${act(m)} 0 V = ${volts(`${exp(m)} / v(act${k}_sum)`)}`);
  }
  const weight = (m: number, i: number) => c.weights[c.layout === 'source-major' ? m * K + i : i * M + m];
  if (c.mode === 'virtual-ground') {
    for (let i = 0; i < K; i++) {
      const terms: string[] = [];
      for (let m = 0; m < M; m++) {
        const w = weight(m, i);
        if (w !== 0) terms.push(`${w < 0 ? '(' + spiceNumber(w) + ')' : spiceNumber(w)} * ${alpha === 1 ? `v(${act(m)})` : `(v(${act(m)}) / ${spiceNumber(alpha)})`}`);
      }
      if (terms.length) lines.push(`BX${k}_${i} 0 ${c.target[i]} I = ${scale.current === 1 ? terms.join(' + ') : `${spiceNumber(scale.current)} * (${terms.join(' + ')})`}`);
    }
    return lines;
  }
  // Passive: physical conductance G·c0/τ = |w|·current/α.
  const inverted = new Set<number>();
  for (let i = 0; i < K; i++) {
    for (let m = 0; m < M; m++) {
      const w = weight(m, i);
      if (w === 0) continue;
      if (w < 0) inverted.add(m);
      const resistance = alpha / (Math.abs(w) * scale.current);
      lines.push(`RX${k}_${m}_${i} ${w > 0 ? act(m) : `actn${k}_${m}`} ${c.target[i]} ${spiceNumber(resistance)}`);
    }
  }
  for (const m of inverted) lines.push(`EN${k}_${m} actn${k}_${m} 0 ${act(m)} 0 -1`);
  return lines;
}
