package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = Σ_i x_i (shape [1]); the sum runs in double. Math: docs/math/elementwise.md#sum-mean */
public final class SumOp extends Op {
    private final Tensor x;
    private final float scale;

    private SumOp(Tensor x, float scale) { super(x); this.x = x; this.scale = scale; }

    /** y = Σ x */
    public static Tensor sum(Tensor x) { return apply(Objects.requireNonNull(x, "sum: x"), 1f); }

    /** y = (1/n) Σ x */
    public static Tensor mean(Tensor x) { return apply(x, 1f / Objects.requireNonNull(x, "mean: x").size()); }

    private static Tensor apply(Tensor x, float scale) {
        double s = 0;
        for (float v : x.data) s += v;
        Tensor y = Tensor.scalar((float) (s * scale));
        return record(y, recording(x) ? new SumOp(x, scale) : null);
    }

    @Override protected void backward(Tensor out) {
        float dy = out.grad()[0];
        float[] dx = x.grad();
        // ∂L/∂x_i = scale · ∂L/∂y   (scale = 1 for sum, 1/n for mean)
        for (int i = 0; i < dx.length; i++) dx[i] += scale * dy;
    }
}
