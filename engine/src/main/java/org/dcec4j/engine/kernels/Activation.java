package org.dcec4j.engine.kernels;

import org.dcec4j.engine.StepArena;

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
     * and ∂L/∂y · [y &gt; 0] for RELU (y &gt; 0 exactly when the pre-activation z &gt; 0). With no
     * {@link StepArena} open it is an array of its own and dy is left as it was. Inside an open arena dy is
     * the output's gradient, an array of the step that back-propagation does not read again, and the mask is
     * applied to it in place: one array read and written instead of a second one filled from cold memory
     * (about a third less traffic; 4.3 → 2.9 ms of ReLU backward per 28×28 step, docs/benchmarks.md). The bits
     * are the same either way, also when a second backward pass adds to a gradient masked by the first
     * ([y &gt; 0]·a + b masked again is [y &gt; 0]·(a + b) element by element).
     */
    public float[] backward(Kernels k, float[] dy, float[] y) {
        if (this == NONE) return dy;
        float[] dz = StepArena.isOpen() ? dy : new float[dy.length];
        k.reluBackward(dz, dy, y, dy.length, false);                  // written whole
        return dz;
    }
}
