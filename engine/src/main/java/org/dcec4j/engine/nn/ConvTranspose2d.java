package org.dcec4j.engine.nn;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Activation;

/**
 * Transposed convolution layer: weight[CI,CO,KH,KW] (PyTorch layout) glorot-uniform (or another {@link Init.Scheme}),
 * bias[CO] zeros;
 * {@code crop} says how the full output (H−1)·S+K is cut (Keras 'same': (1, 2) for k5 s2).
 * Math: docs/math/conv_transpose2d.md
 */
public final class ConvTranspose2d extends Module {
    public final Tensor weight, bias;
    public final int inChannels, outChannels, kernel, stride;
    public final Padding crop;
    /** Applied to the output in the same pass (a fused ReLU saves a ReLU layer's pass and array). */
    public final Activation activation;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, Padding crop, SplittableRandom rng) {
        this(inChannels, outChannels, kernel, stride, crop, Activation.NONE, rng);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, Padding crop, Activation activation, SplittableRandom rng) {
        this(inChannels, outChannels, kernel, stride, crop, activation, Init.Scheme.GLOROT_UNIFORM, rng);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, Padding crop, Activation activation,
                           Init.Scheme init, SplittableRandom rng) {
        Conv2d.checkLayer("ConvTranspose2d", inChannels, outChannels, kernel, stride);
        this.activation = Objects.requireNonNull(activation, "activation");
        this.crop = Objects.requireNonNull(crop, "crop");
        Objects.requireNonNull(init, "init");
        this.inChannels = inChannels; this.outChannels = outChannels; this.kernel = kernel; this.stride = stride;
        weight = param("weight", Tensor.zeros(inChannels, outChannels, kernel, kernel));
        bias = param("bias", Tensor.zeros(outChannels));
        int rf = kernel * kernel;
        // Keras Conv2DTranspose kernel (KH, KW, CO, CI): fanIn = KH·KW·CO, fanOut = KH·KW·CI
        init.fill(weight.data, outChannels * rf, inChannels * rf, rng);
    }

    @Override public Tensor forward(Tensor x) {
        Conv2d.checkInput("conv_transpose2d", x);
        int[] c = crop.forTransposed(x.dim(2), x.dim(3), kernel, kernel, stride);
        return F.convTranspose2d(kernels(), x, weight, bias, stride, c, activation);
    }
}
