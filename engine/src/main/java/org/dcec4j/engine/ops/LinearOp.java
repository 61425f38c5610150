package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;

/**
 * Dense layer: y = x·Wᵀ + b with x[N,IN], W[OUT,IN] (PyTorch layout), b[OUT] (or none), y[N,OUT].
 * Math: docs/math/linear.md
 */
public final class LinearOp extends Op {
    private final Kernels k;
    private final Tensor x, w, b;
    private final int N, IN, OUT;

    private LinearOp(Kernels k, Tensor x, Tensor w, Tensor b, int N, int IN, int OUT) {
        super(b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b});
        this.k = k; this.x = x; this.w = w; this.b = b; this.N = N; this.IN = IN; this.OUT = OUT;
    }

    /** Forward and backward on the kernels {@code k}. */
    public static Tensor apply(Kernels k, Tensor x, Tensor w, Tensor b) {
        Objects.requireNonNull(k, "linear: k"); Objects.requireNonNull(x, "linear: x"); Objects.requireNonNull(w, "linear: w");
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("linear: x[N,IN] and W[OUT,IN] expected, got " + x + " and " + w);
        int N = x.dim(0), IN = x.dim(1), OUT = w.dim(0);
        if (b != null && (b.rank() != 1 || b.dim(0) != OUT))
            throw new IllegalArgumentException("linear: bias of shape [" + OUT + "] expected, got " + b);
        Tensor y = Tensor.output(N, OUT);                          // written whole by matmulNT
        // y[n,o] = Σ_i x[n,i] · W[o,i]
        k.matmulNT(y.data, x.data, w.data, N, OUT, IN, false);
        // y[n,o] += b[o]  (the arrays in locals and each row's start hoisted: C2 then vectorises the row loop, which it
        // did not with both arrays read through their tensors, 0.28 ms a step at 256 × 1152)
        if (b != null) {
            float[] yd = y.data, bd = b.data;
            for (int n = 0; n < N; n++) {
                int row = n * OUT;
                for (int o = 0; o < OUT; o++) yd[row + o] += bd[o];
            }
        }
        return record(y, recording(x, w, b) ? new LinearOp(k, x, w, b, N, IN, OUT) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad();
        // ∂L/∂x[n,i] = Σ_o ∂L/∂y[n,o] · W[o,i]          (dx = dy·W)
        // (written when it is the first gradient to reach x: each chain then starts from 0, as it would from a cleared dx)
        if (x.requiresGrad()) {
            if (!x.hasGrad()) k.matmulNN(x.freshGrad(), dy, w.data, N, IN, OUT, false);
            else k.matmulNN(x.grad(), dy, w.data, N, IN, OUT, true);
        }
        // ∂L/∂W[o,i] = Σ_n ∂L/∂y[n,o] · x[n,i]          (dW = dyᵀ·x)
        if (w.requiresGrad()) k.matmulTN(w.grad(), dy, x.data, OUT, IN, N, true);
        // ∂L/∂b[o] = Σ_n ∂L/∂y[n,o]
        if (b != null && b.requiresGrad()) k.biasBackward(b.grad(), dy, N, OUT, 1);
    }
}
