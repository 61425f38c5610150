package org.dcec4j.engine.nn;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Activation;

/** Convolution layer: weight[K,C,KH,KW] glorot-uniform (or another {@link Init.Scheme}), bias[K] zeros. Math: docs/math/conv2d.md */
public final class Conv2d extends Module {
    public final Tensor weight, bias;
    public final int inChannels, outChannels, kernel, stride;
    public final Padding padding;
    /** Applied to the output in the same pass (a fused ReLU saves a ReLU layer's pass and array). */
    public final Activation activation;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, Padding padding, SplittableRandom rng) {
        this(inChannels, outChannels, kernel, stride, padding, Activation.NONE, rng);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, Padding padding, Activation activation, SplittableRandom rng) {
        this(inChannels, outChannels, kernel, stride, padding, activation, Init.Scheme.GLOROT_UNIFORM, rng);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, Padding padding, Activation activation,
                  Init.Scheme init, SplittableRandom rng) {
        checkLayer("Conv2d", inChannels, outChannels, kernel, stride);
        this.activation = Objects.requireNonNull(activation, "activation");
        this.padding = Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(init, "init");
        this.inChannels = inChannels; this.outChannels = outChannels; this.kernel = kernel; this.stride = stride;
        weight = param("weight", Tensor.zeros(outChannels, inChannels, kernel, kernel));
        bias = param("bias", Tensor.zeros(outChannels));
        int rf = kernel * kernel;
        init.fill(weight.data, inChannels * rf, outChannels * rf, rng);
    }

    /** Sizes checked before any tensor is made, so that a mistake names the layer's argument. */
    static void checkLayer(String layer, int inChannels, int outChannels, int kernel, int stride) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1)
            throw new IllegalArgumentException(layer + ": inChannels, outChannels, kernel and stride must be at least 1, got "
                    + inChannels + ", " + outChannels + ", " + kernel + ", " + stride);
    }

    /** Checked before 'same' padding reads H and W. */
    static void checkInput(String op, Tensor x) {
        if (Objects.requireNonNull(x, "x").rank() != 4)
            throw new IllegalArgumentException(op + ": input x[N,C,H,W] expected, got " + x);
    }

    @Override public Tensor forward(Tensor x) {
        checkInput("conv2d", x);
        int[] pad = padding.forConv(x.dim(2), x.dim(3), kernel, kernel, stride);
        return F.conv2d(kernels(), x, weight, bias, stride, pad, activation);
    }
}
