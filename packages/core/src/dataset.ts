/** A dataset as a plugin: pure function of its options and seed (synthetic) or of files it reads (real). */
export interface DatasetMeta {
  readonly task: 'classification' | 'density' | 'regression';
  readonly inputDim: number;
  readonly outputDim?: number;
  readonly description: string;
  readonly source: string;
}

export interface Dataset {
  /** Row-major inputs, `count × inputDim`. */
  readonly inputs: Float64Array;
  /** Class labels (classification) or targets (regression, `count × outputDim`). */
  readonly targets: Float64Array;
  readonly count: number;
  readonly inputDim: number;
}

export interface DatasetLoadOptions {
  readonly split: 'train' | 'test';
  readonly n?: number;
  readonly seed: number;
}

export interface DatasetPlugin {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: DatasetMeta;
  load(options: DatasetLoadOptions): Promise<Dataset>;
}
