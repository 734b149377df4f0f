import * as E from 'fp-ts/Either';
import { BufferedOptimizer, paramSizeIssues } from './instance';
import type { Optimizer } from './optimizer';
import { resolveOptions, type OptionValues } from './options';

function adamOptions(defaultWeightDecay: number, decoupled: boolean) {
  return {
    lr: { type: 'number', description: 'base learning rate (what an LR schedule scales)', min: 0, default: 1e-3 },
    betas: {
      type: 'pair',
      description: 'decay rates (β1, β2) of the first and second moment averages',
      min: 0,
      max: 1,
      exclusiveMax: true,
      default: [0.9, 0.999] as const,
    },
    eps: { type: 'number', description: 'ε added to the denominator', min: 0, default: 1e-8 },
    weightDecay: {
      type: 'number',
      description: decoupled
        ? 'decoupled weight decay λ: p ← p − lr·λ·p before the update'
        : 'L2 penalty λ, added to the gradient',
      min: 0,
      default: defaultWeightDecay,
    },
  } as const;
}

type AdamOptions = OptionValues<ReturnType<typeof adamOptions>>;

/**
 * PyTorch's Adam/AdamW single-tensor, non-amsgrad, non-capturable path, operation for operation:
 *   t ← t + 1;  AdamW: p ← p·(1 − lr·λ)   |   Adam: g ← g + λp
 *   m ← lerp(m, g, 1 − β1);  v ← v·β2 + (1 − β2)·g·g
 *   p ← p + (−lr/(1 − β1^t))·m / (√v / √(1 − β2^t) + ε)
 * `lerp` is ATen's: a + w(b − a) for |w| < 0.5, else b − (b − a)(1 − w); PyTorch ≥ 2.0 uses it where
 * 1.x computed m·β1 + (1 − β1)g, which differs in the last bit from the second step on.
 */
class AdamInstance extends BufferedOptimizer {
  private readonly expAvg: Float64Array[];
  private readonly expAvgSq: Float64Array[];

  constructor(
    name: string,
    private readonly o: AdamOptions,
    private readonly decoupled: boolean,
    paramSizes: readonly number[],
  ) {
    super(name, o.lr, paramSizes, ['expAvg', 'expAvgSq']);
    this.expAvg = this.buffers.expAvg;
    this.expAvgSq = this.buffers.expAvgSq;
  }

  protected update(
    params: readonly Float64Array[],
    grads: readonly Float64Array[],
    lr: number,
    masks: readonly (Uint8Array | null)[] | undefined,
  ): void {
    const beta1 = this.o.betas[0];
    const beta2 = this.o.betas[1];
    const { eps, weightDecay } = this.o;
    const w1 = 1 - beta1;
    const smallWeight = Math.abs(w1) < 0.5;
    const oneMinusW1 = 1 - w1;
    const w2 = 1 - beta2;
    const t = this.stepCount;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
    const negStepSize = -(lr / biasCorrection1);
    const decay = 1 - lr * weightDecay;
    const l2 = this.decoupled ? 0 : weightDecay;
    const decoupled = this.decoupled;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      const g = grads[i];
      const m = this.expAvg[i];
      const v = this.expAvgSq[i];
      const mask = masks?.[i] ?? null;
      for (let j = 0; j < p.length; j++) {
        if (mask !== null && mask[j] === 0) continue;
        let pj = p[j];
        let gj = g[j];
        if (decoupled) pj = pj * decay;
        else if (l2 !== 0) gj = gj + l2 * pj;
        const mj = smallWeight ? m[j] + w1 * (gj - m[j]) : gj - (gj - m[j]) * oneMinusW1;
        const vj = v[j] * beta2 + w2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        p[j] = pj + (negStepSize * mj) / (Math.sqrt(vj) / biasCorrection2Sqrt + eps);
      }
    }
  }
}

interface AdamVariant {
  readonly name: string;
  readonly description: string;
  readonly reference: string;
  readonly decoupled: boolean;
  readonly defaultWeightDecay: number;
}

/** Adam and AdamW differ only in where weight decay enters, so both come from this one definition. */
export function defineAdamVariant(variant: AdamVariant): Optimizer {
  const options = adamOptions(variant.defaultWeightDecay, variant.decoupled);
  return {
    name: variant.name,
    meta: { description: variant.description, options, buffers: ['expAvg', 'expAvgSq'], reference: variant.reference },
    create(given, paramSizes, where = 'options') {
      const sizeIssues = paramSizeIssues(paramSizes, 'paramSizes');
      const resolved = resolveOptions(options, given, where);
      if (E.isLeft(resolved)) return E.left([...sizeIssues, ...resolved.left]);
      if (sizeIssues.length > 0) return E.left(sizeIssues);
      return E.right(new AdamInstance(variant.name, resolved.right, variant.decoupled, paramSizes));
    },
  };
}
