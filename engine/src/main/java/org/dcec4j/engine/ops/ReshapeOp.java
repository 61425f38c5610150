package org.dcec4j.engine.ops;

import java.util.Arrays;
import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/**
 * The same values under another shape (one dimension may be −1: inferred). Shares the data array;
 * the gradient flows through unchanged because the row-major order is unchanged.
 * Math: docs/math/elementwise.md#reshape
 */
public final class ReshapeOp extends Op {
    private final Tensor x;

    private ReshapeOp(Tensor x) { super(x); this.x = x; }

    public static Tensor apply(Tensor x, int... shape) {
        Objects.requireNonNull(x, "reshape: x"); Objects.requireNonNull(shape, "reshape: shape");
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;                    // saturated at 2^31: positive, never wraps
        for (int i = 0; i < s.length; i++) {
            if (s[i] < -1 || s[i] == 0)
                throw new IllegalArgumentException("reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(shape)
                        + ": dimension " + i + " is " + s[i] + "; each must be positive, or -1 for the one inferred");
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(shape)
                        + ": at most one dimension may be -1 (inferred), dimensions " + infer + " and " + i + " are");
                infer = i;
            } else known = Math.min(known * s[i], Integer.MAX_VALUE + 1L);
        }
        if (infer >= 0) {
            if (x.size() % known != 0)
                throw new IllegalArgumentException("reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(shape)
                        + ": the other dimensions hold " + (known > Integer.MAX_VALUE ? "more than 2^31 - 1" : String.valueOf(known))
                        + " values, which does not divide the " + x.size() + " values");
            s[infer] = (int) (x.size() / known);
        }
        Tensor y = Tensor.of(x.data, s);   // throws if the sizes differ
        return record(y, recording(x) ? new ReshapeOp(x) : null);
    }

    /** [N, ...] → [N, rest]. */
    public static Tensor flatten(Tensor x) { return apply(x, Objects.requireNonNull(x, "flatten: x").dim(0), -1); }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad();
        // ∂L/∂x = ∂L/∂y (same row-major order); the first gradient to reach x is written as 0 + dy (the bits of
        // accumulating into zeros: −0 becomes +0), later ones are added
        if (!x.hasGrad()) { float[] dx = x.freshGrad(); for (int i = 0; i < dy.length; i++) dx[i] = 0f + dy[i]; }
        else { float[] dx = x.grad(); for (int i = 0; i < dy.length; i++) dx[i] += dy[i]; }
    }
}
