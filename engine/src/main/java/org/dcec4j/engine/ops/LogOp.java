package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = ln x, element-wise. Math: docs/math/elementwise.md#pow-log */
public final class LogOp extends Op {
    private final Tensor x;

    private LogOp(Tensor x) { super(x); this.x = x; }

    public static Tensor apply(Tensor x) {
        Objects.requireNonNull(x, "log: x");
        Tensor y = Tensor.zeros(x.shape());
        for (int i = 0; i < y.size(); i++) y.data[i] = (float) StrictMath.log(x.data[i]);
        return record(y, recording(x) ? new LogOp(x) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad(), dx = x.grad();
        // ∂L/∂x = ∂L/∂y / x
        for (int i = 0; i < dy.length; i++) dx[i] += dy[i] / x.data[i];
    }
}
