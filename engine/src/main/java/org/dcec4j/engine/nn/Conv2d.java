package org.dcec4j.engine.nn;

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
        this.activation = activation;
        this.inChannels = inChannels; this.outChannels = outChannels; this.kernel = kernel; this.stride = stride; this.padding = padding;
        weight = param("weight", Tensor.zeros(outChannels, inChannels, kernel, kernel));
        bias = param("bias", Tensor.zeros(outChannels));
        int rf = kernel * kernel;
        init.fill(weight.data, inChannels * rf, outChannels * rf, rng);
    }

    @Override public Tensor forward(Tensor x) {
        int[] pad = padding.forConv(x.dim(2), x.dim(3), kernel, kernel, stride);
        return F.conv2d(kernels(), x, weight, bias, stride, pad, activation);
    }
}
