import { describe, expect, it } from 'vitest';
import { createKirchhoffContainer } from '../../src/container';
import { Registry } from '../../src/registry';
import { LOSS, LR_SCHEDULE, OPTIMIZER } from '../../src/tokens';
import { registerTraining } from '../../src/train/register-training';

describe('registerTraining', () => {
  it('registers nothing on import, then every plugin id-sorted under its token', () => {
    const container = createKirchhoffContainer();
    expect(container.isRegistered(OPTIMIZER, true)).toBe(false);
    registerTraining(container);
    expect(container.resolveAll(OPTIMIZER).map((o) => o.name)).toEqual(['adam', 'adamw', 'sgd']);
    expect(container.resolveAll(LR_SCHEDULE).map((s) => s.name)).toEqual(['constant', 'cosine', 'step']);
    expect(container.resolveAll(LOSS).map((l) => l.name)).toEqual(['cross-entropy', 'mse']);
  });

  it('gives registries that name the known ids', () => {
    const container = createKirchhoffContainer();
    registerTraining(container);
    const optimizers = new Registry('optimizer', container.resolveAll(OPTIMIZER));
    expect(optimizers.byName('adamw').meta.options.weightDecay.default).toBe(0.01);
    expect(() => optimizers.byName('rmsprop')).toThrow("unknown optimizer 'rmsprop'; known: adam, adamw, sgd");
  });
});
