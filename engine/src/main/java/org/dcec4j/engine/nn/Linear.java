package org.dcec4j.engine.nn;

import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** y = x·Wᵀ + b, W[OUT,IN] glorot-uniform (or another {@link Init.Scheme}), b[OUT] zeros. Math: docs/math/linear.md */
public final class Linear extends Module {
    public final Tensor weight, bias;
    public final int in, out;

    public Linear(int in, int out, SplittableRandom rng) { this(in, out, Init.Scheme.GLOROT_UNIFORM, rng); }

    public Linear(int in, int out, Init.Scheme init, SplittableRandom rng) {
        this.in = in; this.out = out;
        weight = param("weight", Tensor.zeros(out, in));
        bias = param("bias", Tensor.zeros(out));
        init.fill(weight.data, in, out, rng);
    }

    @Override public Tensor forward(Tensor x) { return F.linear(kernels(), x, weight, bias); }
}
