/**
 * What the trainer needs of a model: its parameter tensors (updated in place by the optimizer), which
 * entries train, a batch forward pass to outputs and a batch gradient given ∂L/∂outputs. A KirchhoffNet
 * (`networkModel`) and a KAN or MLP (`kan/`) are implementations. Outputs are sample-major: b·width + k.
 */
export interface TrainableModel {
  /** Parameter tensors, in checkpoint order. */
  readonly params: readonly Float64Array[];
  /** Per tensor: 1 where the optimizer may change an entry; null when all train. */
  readonly masks: readonly (Uint8Array | null)[];
  readonly outputWidth: number;
  /** Evaluation-mode forward pass of samples `rows` of a row-major feature matrix; returns the solver's NFE (0 without one). */
  predict(features: Float64Array, inputDim: number, rows: ArrayLike<number>, outputs: Float64Array): { readonly nfe: number };
  /**
   * Training-mode forward pass, `lossAt(outputs, gradOutputs)` (returns the loss and writes ∂L/∂outputs)
   * and the backward pass into `grads` (overwritten, one per parameter tensor). Throws a KirchhoffError
   * when the model cannot be evaluated (a failed solve), which the trainer turns into a rollback.
   */
  gradient(
    features: Float64Array,
    inputDim: number,
    rows: ArrayLike<number>,
    lossAt: (outputs: Float64Array, gradOutputs: Float64Array) => number,
    grads: Float64Array[],
  ): { readonly loss: number; readonly nfeForward: number; readonly nfeBackward: number };
}
