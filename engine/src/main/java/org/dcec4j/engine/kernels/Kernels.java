package org.dcec4j.engine.kernels;

/**
 * The compute kernels behind every heavy op. Two twins implement it: {@link ScalarKernels}, the
 * readable reference (and fallback, and test oracle), and {@code kernels.vector.VectorKernels}, the
 * fast one. One equivalence test enumerates every method of this interface.
 *
 * <p>Conventions: outputs first, then inputs, then geometry. Each array is either <em>written</em>
 * (old contents ignored), <em>accumulated</em> (+=) or <em>read</em> (never modified); the javadoc
 * of every method says which. Layouts are row-major: x[N,C,H,W], w[K,C,KH,KW], y[N,K,OH,OW],
 * matrices [rows, cols]. No method allocates per call beyond reusable workspaces (and, in the scalar
 * reference, a few small scratch arrays).
 *
 * <p>Math: docs/math/conv2d.md#kernels, docs/math/linear.md#kernels, docs/math/adam.md#kernel
 */
public interface Kernels {

    /** A short name for logs: "scalar", "vector(256-bit, 2 threads)", … */
    String name();

    /**
     * Convolution forward with its bias and activation fused. y written, x/w/b read, b may be null (no bias).
     * y[n,k,oh,ow] = act(b[k] + Σ_c Σ_kh Σ_kw w[k,c,kh,kw] · x[n,c, oh·SH+kh−PT, ow·SW+kw−PL])
     */
    void conv2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g);

    /**
     * Transposed convolution forward (the adjoint of the convolution g, whose input side is this
     * kernel's output side) with bias and activation fused. y written ([N, C, H, W] of g), x read
     * ([N, K, OH, OW] of g), w read ([K, C, KH, KW]), b read ([C]) or null.
     * y[n,c,h,ww] = act(b[c] + Σ_k Σ_kh Σ_kw w[k,c,kh,kw] · x[n,k,oh,ow])   over all (oh,ow,kh,kw) with
     * h = oh·SH+kh−PT and ww = ow·SW+kw−PL
     */
    void convTranspose2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g);

    /**
     * Gradient of the convolution with respect to its input (= transposed convolution forward).
     * dx accumulated, dy/w read.
     * dx[n,c,h,ww] += Σ_k Σ_kh Σ_kw w[k,c,kh,kw] · dy[n,k,oh,ow]   over all (oh,ow,kh,kw) with
     * h = oh·SH+kh−PT and ww = ow·SW+kw−PL
     */
    void conv2dBackwardInput(float[] dx, float[] dy, float[] w, ConvGeometry g);

    /**
     * Gradient of the convolution with respect to its weight. dw accumulated, dy/x read.
     * dw[k,c,kh,kw] += Σ_n Σ_oh Σ_ow dy[n,k,oh,ow] · x[n,c, oh·SH+kh−PT, ow·SW+kw−PL]
     */
    void conv2dBackwardWeight(float[] dw, float[] dy, float[] x, ConvGeometry g);

    /**
     * The gradients of a convolution layer in one call: dx written (its first gradient) as by
     * {@code convTranspose2dForward(dx, dy, w, null, NONE, g)}, dw accumulated as by
     * {@code conv2dBackwardWeight(dw, dy, x, g)} and db accumulated as by {@code biasBackward(db, dy, N, K, OH·OW)};
     * any of them may be null (not needed). dy, x, w read. The same bits as the separate calls; a threaded twin
     * overlaps them (their outputs are disjoint), so that its threads do not wait at the end of each.
     */
    default void conv2dBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w, ConvGeometry g) {
        if (dx != null) convTranspose2dForward(dx, dy, w, null, Activation.NONE, g);
        if (dw != null) conv2dBackwardWeight(dw, dy, x, g);
        if (db != null) biasBackward(db, dy, g.N, g.K, g.OH * g.OW);
    }

    /**
     * The gradients of a transposed convolution layer (the adjoint of g) in one call: dx written (its first
     * gradient) as by {@code conv2dForward(dx, dy, w, null, NONE, g)}, dw accumulated as by
     * {@code conv2dBackwardWeight(dw, x, dy, g)} (the roles of x and dy swapped: x is [N, K, OH, OW] of g, dy
     * [N, C, H, W]) and db accumulated as by {@code biasBackward(db, dy, N, C, H·W)}; any may be null. dy, x, w read.
     * The same bits as the separate calls, which a threaded twin overlaps as in {@link #conv2dBackward}.
     */
    default void convTranspose2dBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w, ConvGeometry g) {
        if (dx != null) conv2dForward(dx, dy, w, null, Activation.NONE, g);
        if (dw != null) conv2dBackwardWeight(dw, x, dy, g);
        if (db != null) biasBackward(db, dy, g.N, g.C, g.H * g.W);
    }

    /**
     * Gradient of a per-channel bias. db accumulated, dy read; dy viewed as [N, K, S] (S = spatial size,
     * 1 for a dense layer). db[k] += Σ_n Σ_s dy[n,k,s]
     */
    void biasBackward(float[] db, float[] dy, int N, int K, int S);

    /** ReLU forward over n elements. y written, x read. y[i] = max(x[i], 0) */
    void reluForward(float[] y, float[] x, int n);

    /**
     * ReLU backward from its output. dx accumulated, or written when not {@code accumulate} (then exactly the bits
     * that accumulating into zeros gives: 0 + dy[i] or 0); dy/y read. y is the ReLU's (or a fused kernel's)
     * output, and y[i] &gt; 0 exactly when the pre-activation was &gt; 0. dx may be dy itself (element by element,
     * each dy[i] is read before dx[i] is stored).
     * dx[i] (= or +=) y[i] &gt; 0 ? dy[i] : 0
     */
    void reluBackward(float[] dx, float[] dy, float[] y, int n, boolean accumulate);

    /**
     * c[M,N] (= or +=) a[M,K] · b[N,K]ᵀ, i.e. c[m,n] = Σ_k a[m,k]·b[n,k]. (Linear forward: y = x·Wᵀ.)
     * c written, or accumulated when {@code accumulate}; a/b read.
     */
    void matmulNT(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate);

    /**
     * c[M,N] (= or +=) a[M,K] · b[K,N], i.e. c[m,n] = Σ_k a[m,k]·b[k,n]. (Linear backward-input: dx = dy·W.)
     * c written, or accumulated when {@code accumulate}; a/b read.
     */
    void matmulNN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate);

    /**
     * c[M,N] (= or +=) a[K,M]ᵀ · b[K,N], i.e. c[m,n] = Σ_k a[k,m]·b[k,n]. (Linear backward-weight: dW = dyᵀ·x.)
     * c written, or accumulated when {@code accumulate}; a/b read.
     */
    void matmulTN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate);

    /**
     * One Adam update of {@code n} parameters, in the common form that covers both the Keras and the
     * PyTorch variants (docs/math/adam.md#kernel). param, m, v read and updated in place; g read.
     * <pre>
     *   m ← β1·m + (1−β1)·g
     *   v ← β2·v + (1−β2)·g²
     *   p ← p − stepSize · m / (√v + epsHat)
     * </pre>
     */
    void adamStep(float[] param, float[] m, float[] v, float[] g, int n,
                  float beta1, float beta2, float stepSize, float epsHat);
}
