import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { memoryIo } from './helpers';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('kirchhoff op', () => {
  it('finds the tunnel-diode operating point and reports it unstable', async () => {
    const io = memoryIo(root);
    expect(await runCli(['op', 'examples/circuits/tunnel-diode-bias.yaml', '--stability', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout());
    const [slice] = report.slices;
    expect(slice.point.residual).toBeLessThan(1e-12);
    expect(slice.stability.stable).toBe(false);
    expect(slice.stability.flaggedNodes[0]).toMatchObject({ node: 1, ndrBranches: 1 });
  });

  it('finds the all-zero equilibrium of a passive saturating ladder, through gmin stepping from far away', async () => {
    const io = memoryIo(root);
    expect(await runCli(['op', 'examples/circuits/inline-branch-type.yaml', '--stability', '--json'], io)).toBe(0);
    const [slice] = JSON.parse(io.stdout()).slices;
    expect(slice.point.method).toBe('gmin-stepping');
    expect(Math.max(...slice.point.voltages.map(Math.abs))).toBeLessThan(1e-9);
    expect(slice.stability.stable).toBe(true);
  });

  it("says when a circuit has no DC solution (the default circuit's saturating controlled sources never balance)", async () => {
    const io = memoryIo(root);
    expect(await runCli(['op', 'examples/default-simulation.yaml'], io)).toBe(1);
    expect(io.stderr()).toContain('[newton-failure]');
  });
});
