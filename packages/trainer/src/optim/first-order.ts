/** Serializable state of a first-order meta-optimizer (checkpointed for bit-exact resume). */
export interface OptimizerState {
  readonly kind: 'adam' | 'sgd';
  readonly step: number;
  readonly m: number[] | null;
  readonly v: number[] | null;
}

/** Options of {@link FirstOrderOptimizer}. */
export interface FirstOrderOptions {
  readonly kind: 'adam' | 'sgd';
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/**
 * Gradient ASCENT with Adam or plain SGD on a flat float64 parameter vector (the meta-objective
 * is maximized). State lives on the host in float64 so a resumed run continues bit for bit.
 */
export class FirstOrderOptimizer {
  private step = 0;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;

  constructor(private readonly options: FirstOrderOptions) {
    if (!(options.lr > 0))
      throw new RangeError(`meta optimizer: lr must be > 0, got ${options.lr}`);
  }

  /** Returns params + update(gradient); does not modify its inputs. */
  ascend(params: Float64Array, gradient: Float64Array): Float64Array {
    if (params.length !== gradient.length) {
      throw new RangeError(
        `meta optimizer: ${params.length} params but ${gradient.length} gradient entries`,
      );
    }
    if (!gradient.every(Number.isFinite)) {
      throw new RangeError(
        'meta optimizer: the meta-gradient has NaN or Inf entries; refusing to step',
      );
    }
    const { lr } = this.options;
    this.step++;
    if (this.options.kind === 'sgd') return params.map((p, i) => p + lr * gradient[i]!);
    const b1 = this.options.beta1 ?? 0.9;
    const b2 = this.options.beta2 ?? 0.999;
    const eps = this.options.epsilon ?? 1e-8;
    this.m ??= new Float64Array(params.length);
    this.v ??= new Float64Array(params.length);
    const m = this.m;
    const v = this.v;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    return params.map((p, i) => {
      const g = gradient[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      return p + (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    });
  }

  getState(): OptimizerState {
    return {
      kind: this.options.kind,
      step: this.step,
      m: this.m ? Array.from(this.m) : null,
      v: this.v ? Array.from(this.v) : null,
    };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.options.kind) {
      throw new Error(
        `meta optimizer: checkpoint is for '${state.kind}', this run uses '${this.options.kind}'`,
      );
    }
    this.step = state.step;
    this.m = state.m ? Float64Array.from(state.m) : null;
    this.v = state.v ? Float64Array.from(state.v) : null;
  }
}
