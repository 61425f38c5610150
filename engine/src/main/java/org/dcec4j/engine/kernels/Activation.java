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
     * and ∂L/∂y · [y &gt; 0] for RELU (y &gt; 0 exactly when the pre-activation z &gt; 0), in an array of its own:
     * new, or the open {@link StepArena}'s.
     */
    public float[] backward(Kernels k, float[] dy, float[] y) {
        if (this == NONE) return dy;
        float[] dz = StepArena.array(dy.length);
        k.reluBackward(dz, dy, y, dy.length, false);                  // written whole
        return dz;
    }
}
