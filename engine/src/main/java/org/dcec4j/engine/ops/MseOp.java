package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/**
 * Mean squared error over all elements: y = (1/n) Σ_i (a_i − t_i)² (the sum runs in double). Its backward multiplies
 * by ∂L/∂y, the gradient reaching y from the loss L that back-propagation starts from (1 when L = y).
 * Math: docs/math/activations-losses.md#mse
 */
public final class MseOp extends Op {
    private final Tensor a, t;

    private MseOp(Tensor a, Tensor t) { super(a, t); this.a = a; this.t = t; }

    public static Tensor apply(Tensor a, Tensor target) {
        Objects.requireNonNull(a, "mse: a"); Objects.requireNonNull(target, "mse: target");
        if (!a.sameShape(target)) throw new IllegalArgumentException("mse: shapes differ: " + a + " vs " + target);
        double s = 0;
        for (int i = 0; i < a.size(); i++) { double d = a.data[i] - target.data[i]; s += d * d; }
        Tensor y = Tensor.scalar((float) (s / a.size()));
        return record(y, recording(a, target) ? new MseOp(a, target) : null);
    }

    @Override protected void backward(Tensor out) {
        float scale = 2f * out.grad()[0] / a.size();
        // ∂L/∂a_i = ∂L/∂y · 2 (a_i − t_i) / n   (scale = ∂L/∂y · 2/n)
        // (written as 0 + term when it is the first gradient to reach a, the bits of accumulating into zeros)
        if (a.requiresGrad()) {
            if (!a.hasGrad()) { float[] da = a.freshGrad(); for (int i = 0; i < da.length; i++) da[i] = 0f + scale * (a.data[i] - t.data[i]); }
            else { float[] da = a.grad(); for (int i = 0; i < da.length; i++) da[i] += scale * (a.data[i] - t.data[i]); }
        }
        // ∂L/∂t_i = −∂L/∂y · 2 (a_i − t_i) / n
        if (t.requiresGrad()) { float[] dt = t.grad(); for (int i = 0; i < dt.length; i++) dt[i] -= scale * (a.data[i] - t.data[i]); }
    }
}
