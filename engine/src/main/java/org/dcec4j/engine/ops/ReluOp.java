package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;

/** y = max(x, 0). Math: docs/math/activations-losses.md#relu */
public final class ReluOp extends Op {
    private final Kernels k;
    private final Tensor x, y;

    private ReluOp(Kernels k, Tensor x, Tensor y) { super(x); this.k = k; this.x = x; this.y = y; }

    /** Forward and backward on the kernels {@code k}. */
    public static Tensor apply(Kernels k, Tensor x) {
        Objects.requireNonNull(k, "relu: k"); Objects.requireNonNull(x, "relu: x");
        Tensor y = Tensor.output(x.shape());                       // written whole by the kernel
        // y = max(x, 0)
        k.reluForward(y.data, x.data, y.size());
        return record(y, recording(x) ? new ReluOp(k, x, y) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad();
        // ∂L/∂x = ∂L/∂y · [x > 0]   (0 at x = 0, as in PyTorch); y > 0 exactly when x > 0
        // written when it is the first gradient to reach x (the bits of accumulating into zeros), added otherwise
        if (!x.hasGrad()) k.reluBackward(x.freshGrad(), dy, y.data, dy.length, false);
        else k.reluBackward(x.grad(), dy, y.data, dy.length, true);
    }
}
