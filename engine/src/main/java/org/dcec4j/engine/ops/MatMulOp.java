package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;

/** c = a·b with a[M,K], b[K,N], c[M,N]. Math: docs/math/linear.md#matmul */
public final class MatMulOp extends Op {
    private final Kernels k;
    private final Tensor a, b;
    private final int M, N, K;

    private MatMulOp(Kernels k, Tensor a, Tensor b, int M, int N, int K) {
        super(a, b);
        this.k = k; this.a = a; this.b = b; this.M = M; this.N = N; this.K = K;
    }

    /** Forward and backward on the kernels {@code k}. */
    public static Tensor apply(Kernels k, Tensor a, Tensor b) {
        Objects.requireNonNull(k, "matmul: k"); Objects.requireNonNull(a, "matmul: a"); Objects.requireNonNull(b, "matmul: b");
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0))
            throw new IllegalArgumentException("matmul: a[M,K] and b[K,N] expected, got " + a + " and " + b);
        int M = a.dim(0), K = a.dim(1), N = b.dim(1);
        Tensor c = Tensor.zeros(M, N);
        // c[m,n] = Σ_k a[m,k] · b[k,n]
        k.matmulNN(c.data, a.data, b.data, M, N, K, false);
        return record(c, recording(a, b) ? new MatMulOp(k, a, b, M, N, K) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dc = out.grad();
        // ∂L/∂a[m,k] = Σ_n ∂L/∂c[m,n] · b[k,n]      (da = dc·bᵀ)
        if (a.requiresGrad()) k.matmulNT(a.grad(), dc, b.data, M, K, N, true);
        // ∂L/∂b[k,n] = Σ_m a[m,k] · ∂L/∂c[m,n]      (db = aᵀ·dc)
        if (b.requiresGrad()) k.matmulTN(b.grad(), a.data, dc, K, N, M, true);
    }
}
