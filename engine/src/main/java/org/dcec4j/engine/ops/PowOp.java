package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = x^e for a constant exponent e (x &gt; 0 unless e is a whole number). Math: docs/math/elementwise.md#pow-log */
public final class PowOp extends Op {
    private final Tensor x;
    private final float e;

    private PowOp(Tensor x, float e) { super(x); this.x = x; this.e = e; }

    public static Tensor apply(Tensor x, float e) {
        Objects.requireNonNull(x, "pow: x");
        Tensor y = Tensor.zeros(x.shape());
        for (int i = 0; i < y.size(); i++) y.data[i] = (float) StrictMath.pow(x.data[i], e);
        return record(y, recording(x) ? new PowOp(x, e) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad(), dx = x.grad();
        // ∂L/∂x = ∂L/∂y · e · x^(e−1)
        for (int i = 0; i < dy.length; i++) dx[i] += dy[i] * e * (float) StrictMath.pow(x.data[i], e - 1f);
    }
}
