package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/**
 * Sum along one axis: y[..., 1, ...] = Σ_a x[..., a, ...] (the axis kept with size 1, or dropped).
 * Math: docs/math/elementwise.md#sum-axis
 */
public final class SumAxisOp extends Op {
    private final Tensor x;
    private final int outer, A, inner;   // x viewed as [outer, A, inner], y as [outer, inner]

    private SumAxisOp(Tensor x, int outer, int A, int inner) { super(x); this.x = x; this.outer = outer; this.A = A; this.inner = inner; }

    public static Tensor apply(Tensor x, int axis, boolean keepDim) {
        Objects.requireNonNull(x, "sum: x");
        int[] s = x.shape();
        int ax = axis < 0 ? s.length + axis : axis;
        if (ax < 0 || ax >= s.length) throw new IllegalArgumentException("sum axis " + axis + " out of range for rank " + s.length);
        int outer = 1, inner = 1;
        for (int i = 0; i < ax; i++) outer *= s[i];
        for (int i = ax + 1; i < s.length; i++) inner *= s[i];
        int A = s[ax];
        int[] ys;
        if (keepDim || s.length == 1) { ys = s.clone(); ys[ax] = 1; }
        else {
            ys = new int[s.length - 1];
            for (int i = 0, j = 0; i < s.length; i++) if (i != ax) ys[j++] = s[i];
        }
        Tensor y = Tensor.zeros(ys);
        for (int o = 0; o < outer; o++)
            for (int a = 0; a < A; a++)
                for (int i = 0; i < inner; i++) y.data[o * inner + i] += x.data[(o * A + a) * inner + i];
        return record(y, recording(x) ? new SumAxisOp(x, outer, A, inner) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad(), dx = x.grad();
        // ∂L/∂x[o,a,i] = ∂L/∂y[o,i]
        for (int o = 0; o < outer; o++)
            for (int a = 0; a < A; a++)
                for (int i = 0; i < inner; i++) dx[(o * A + a) * inner + i] += dy[o * inner + i];
    }
}
