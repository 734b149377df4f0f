import * as E from 'fp-ts/Either';
import { BranchCatalog, createCircuit, createModel, type Model } from '@kirchhoff/core';
import { readParams, readTopology } from './fixtures';

/** The released KirchhoffNet MNIST model: 834 nodes + ground, 2 slices of 230,068 ShiftRelu1 edges, T = 2. */
export function loadPretrainedMnist(catalog: BranchCatalog): Model {
  const { src, dst } = readTopology('mnist_topology_src_des_int32_2xE.bin');
  const type = catalog.require('ShiftRelu1');
  const slices = ['mnist_layer0_params_float32_2xE.bin', 'mnist_layer1_params_float32_2xE.bin'].map((file) => {
    const circuit = createCircuit({ numNodes: 834, groups: [{ type, src, dst, params: readParams(file) }] });
    if (E.isLeft(circuit)) throw new Error(circuit.left.map((i) => i.message).join('\n'));
    return { duration: 1, circuit: circuit.right };
  });
  const model = createModel(slices);
  if (E.isLeft(model)) throw new Error(model.left.map((i) => i.message).join('\n'));
  return model.right;
}
