package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = s·x + c with constants s and c (scale, and add-a-constant). Math: docs/math/elementwise.md#scale */
public final class ScaleOp extends Op {
    private final Tensor x;
    private final float s;

    private ScaleOp(Tensor x, float s) { super(x); this.x = x; this.s = s; }

    public static Tensor apply(Tensor x, float s, float c) {
        Objects.requireNonNull(x, "scale: x");
        Tensor y = Tensor.zeros(x.shape());
        for (int i = 0; i < y.size(); i++) y.data[i] = s * x.data[i] + c;
        return record(y, recording(x) ? new ScaleOp(x, s) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad(), dx = x.grad();
        // ∂L/∂x = s · ∂L/∂y
        for (int i = 0; i < dy.length; i++) dx[i] += s * dy[i];
    }
}
