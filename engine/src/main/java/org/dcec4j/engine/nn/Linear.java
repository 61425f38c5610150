package org.dcec4j.engine.nn;

import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** y = x·Wᵀ + b, W[OUT,IN] glorot-uniform, b[OUT] zeros. Math: docs/math/linear.md */
public final class Linear extends Module {
    public final Tensor weight, bias;
    public final int in, out;

    public Linear(int in, int out, SplittableRandom rng) {
        this.in = in; this.out = out;
        weight = param("weight", Tensor.zeros(out, in));
        bias = param("bias", Tensor.zeros(out));
        Init.glorotUniform(weight.data, in, out, rng);
    }

    @Override public Tensor forward(Tensor x) { return F.linear(kernels(), x, weight, bias); }
}
