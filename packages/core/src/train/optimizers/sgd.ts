import * as E from 'fp-ts/Either';
import type { Issue } from '../../errors';
import { BufferedOptimizer, paramSizeIssues } from './instance';
import type { Optimizer } from './optimizer';
import { resolveOptions, type OptionValues } from './options';

const options = {
  lr: { type: 'number', description: 'base learning rate (what an LR schedule scales)', min: 0, default: 1e-3 },
  momentum: { type: 'number', description: 'momentum factor μ', min: 0, default: 0 },
  dampening: { type: 'number', description: 'dampening τ of the momentum buffer update', min: 0, max: 1, default: 0 },
  nesterov: { type: 'boolean', description: 'Nesterov momentum (needs momentum > 0 and dampening 0)', default: false },
  weightDecay: { type: 'number', description: 'L2 penalty λ, added to the gradient', min: 0, default: 0 },
} as const;

type SgdOptions = OptionValues<typeof options>;

/**
 * PyTorch's SGD, single-tensor path, operation for operation: g ← g + λp; with μ ≠ 0, the buffer is
 * b ← g on the first step and b ← μb + (1 − τ)g after, and g ← g + μb (Nesterov) or g ← b; then p ← p − lr·g.
 */
class SgdInstance extends BufferedOptimizer {
  private readonly momentumBuffer: Float64Array[] | null;

  constructor(
    private readonly o: SgdOptions,
    paramSizes: readonly number[],
  ) {
    super('sgd', o.lr, paramSizes, o.momentum !== 0 ? ['momentumBuffer'] : []);
    this.momentumBuffer = o.momentum !== 0 ? this.buffers.momentumBuffer : null;
  }

  protected update(
    params: readonly Float64Array[],
    grads: readonly Float64Array[],
    lr: number,
    masks: readonly (Uint8Array | null)[] | undefined,
  ): void {
    const { momentum, dampening, nesterov, weightDecay } = this.o;
    const keep = 1 - dampening;
    // PyTorch starts the buffer as a copy of the first gradient rather than decaying a zero buffer.
    const firstStep = this.stepCount === 1;
    const negLr = -lr;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      const g = grads[i];
      const mask = masks?.[i] ?? null;
      const buf = this.momentumBuffer?.[i] ?? null;
      for (let j = 0; j < p.length; j++) {
        if (mask !== null && mask[j] === 0) continue;
        let d = g[j];
        if (weightDecay !== 0) d = d + weightDecay * p[j];
        if (buf !== null) {
          const b = firstStep ? d : buf[j] * momentum + keep * d;
          buf[j] = b;
          d = nesterov ? d + momentum * b : b;
        }
        p[j] = p[j] + negLr * d;
      }
    }
  }
}

/** Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, as torch.optim.SGD. */
export const sgd: Optimizer = {
  name: 'sgd',
  meta: {
    description: 'SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD)',
    options,
    buffers: ['momentumBuffer'],
    reference: 'torch.optim.SGD, _single_tensor_sgd (Sutskever et al. 2013 for Nesterov)',
  },
  create(given, paramSizes, where = 'options') {
    const sizeIssues = paramSizeIssues(paramSizes, 'paramSizes');
    const resolved = resolveOptions(options, given, where);
    const issues: Issue[] = [...sizeIssues, ...(E.isLeft(resolved) ? resolved.left : [])];
    const o = E.isRight(resolved) ? resolved.right : undefined;
    if (o?.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      issues.push({
        code: 'incompatible-options',
        message: `nesterov needs momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}`,
        where: `${where}.nesterov`,
      });
    }
    if (issues.length > 0 || E.isLeft(resolved)) return E.left(issues);
    return E.right(new SgdInstance(resolved.right, paramSizes));
  },
};
