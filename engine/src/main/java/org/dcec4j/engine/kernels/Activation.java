package org.dcec4j.engine.kernels;

/**
 * What a kernel applies to each output element after adding the bias, in the same pass that stores
 * the element (cuDNN calls this the epilogue): {@code NONE} leaves it, {@code RELU} stores max(·, 0).
 * Fusing saves the separate ReLU pass and its output array; the backward pass needs only the fused
 * output y, because ReLU's derivative is [y &gt; 0] (see {@link Kernels#reluBackward}).
 *
 * <p>Math: docs/math/activations-losses.md#fused-relu
 */
public enum Activation {
    NONE, RELU;

    /** The activation of one value: v, or max(v, 0). */
    public float apply(float v) { return this == RELU ? Math.max(v, 0f) : v; }

    /**
     * The gradient through the activation, from the fused op's output y: ∂L/∂z = ∂L/∂y for NONE (dy itself)
     * and ∂L/∂y · [y &gt; 0] for RELU (y &gt; 0 exactly when the pre-activation z &gt; 0).
     *
     * <p>For RELU the result is a scratch array of exactly dy's length, owned by the calling thread and reused by
     * the next call with the same length: it is valid until then, which covers its one use, the rest of the fused
     * op's own backward pass (the conv gradients read it and keep nothing). Every element is written, so the array
     * is not cleared; reusing it instead of allocating one per call spares the JVM zeroing about 20 MB per 28×28
     * training step (docs/benchmarks.md#outside-kernels).
     */
    public float[] backward(Kernels k, float[] dy, float[] y) {
        if (this == NONE) return dy;
        float[] dz = SCRATCH.get().computeIfAbsent(dy.length, float[]::new);
        k.reluBackward(dz, dy, y, dy.length);
        return dz;
    }

    /** Per thread, one masked-gradient buffer per length (a network has a handful of activation sizes). */
    private static final ThreadLocal<java.util.Map<Integer, float[]>> SCRATCH =
            ThreadLocal.withInitial(java.util.HashMap::new);
}
