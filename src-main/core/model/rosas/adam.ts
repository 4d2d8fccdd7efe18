/**
 * Adam with coupled L2, as PyTorch's Adam(weight_decay) that the reference uses, on plain float32
 * arrays. On the WebAssembly backend reading the gradients and writing the weights back once per
 * step costs far less than the ~70 small backend ops TensorFlow.js's optimizer runs per step.
 */
export class Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    shapes: number[],
    private readonly lr: number,
    private readonly weightDecay: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = shapes.map((n) => new Float32Array(n));
    this.v = shapes.map((n) => new Float32Array(n));
  }

  /** Updates `params` in place from `grads` (one array per variable, same order as the shapes). */
  step(params: Float32Array[], grads: ArrayLike<number>[]): void {
    this.t++;
    const { beta1, beta2, eps, lr, weightDecay } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]! + weightDecay * p[i]!;
        const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
        p[i] = p[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    }
  }
}
