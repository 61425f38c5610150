package org.dcec4j.dcec.model;

import java.util.SplittableRandom;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.nn.Conv2d;
import org.dcec4j.engine.nn.ConvTranspose2d;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.nn.Flatten;
import org.dcec4j.engine.nn.Init;
import org.dcec4j.engine.nn.Linear;
import org.dcec4j.engine.nn.Module;
import org.dcec4j.engine.nn.Padding;
import org.dcec4j.engine.nn.ReLU;
import org.dcec4j.engine.nn.Reshape;
import org.dcec4j.engine.nn.Sequential;

import static org.dcec4j.engine.kernels.Activation.RELU;

/**
 * DCEC's convolutional autoencoder (docs/spec.md#architecture) for C×H×W images, H and W multiples of 4:
 * <pre>
 *   encoder: conv1 5×5/2 'same' → ReLU → conv2 5×5/2 'same' → ReLU → conv3 3×3/2 → ReLU → flatten → embedding (linear, K)
 *   decoder: dense → ReLU → reshape → deconv3 3×3/2 → ReLU → deconv2 5×5/2 'same' → ReLU → deconv1 5×5/2 'same' (linear)
 * </pre>
 * conv3/deconv3 are 'valid' when H % 8 ≠ 0 (28 → 7 → 3) and 'same' otherwise (16 → 4 → 2), as in the
 * reference. Flatten uses (C, H, W) order. Parameter names: encoder.conv1.weight … decoder.deconv1.bias.
 * The ReLUs after the conv and deconv layers are fused into those layers (one pass instead of two,
 * docs/math/activations-losses.md#fused-relu); the one after the dense layer is a plain ReLU module.
 */
public final class ConvAutoencoder extends Module implements Autoencoder {
    public final int channels, height, width, embeddingSize;
    public final int[] filters;
    public final Sequential encoder, decoder;

    public ConvAutoencoder(int channels, int height, int width, int embeddingSize, int[] filters, long seed) {
        this(channels, height, width, embeddingSize, filters, Init.Scheme.GLOROT_UNIFORM, seed);
    }

    /** With the weights of every layer drawn by {@code init} (the biases are zeros either way). */
    public ConvAutoencoder(int channels, int height, int width, int embeddingSize, int[] filters, Init.Scheme init, long seed) {
        check(channels, height, width, embeddingSize, filters);
        this.channels = channels; this.height = height; this.width = width; this.embeddingSize = embeddingSize;
        this.filters = filters.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        boolean same3 = height % 8 == 0 && width % 8 == 0;
        Padding p3 = same3 ? Padding.same() : Padding.valid();
        int h3 = conv3Size(height), w3 = conv3Size(width);
        int f1 = filters[0], f2 = filters[1], f3 = filters[2];
        int flat = f3 * h3 * w3;
        encoder = child("encoder", new Sequential()
                .add("conv1", new Conv2d(channels, f1, 5, 2, Padding.same(), RELU, init, rng))
                .add("conv2", new Conv2d(f1, f2, 5, 2, Padding.same(), RELU, init, rng))
                .add("conv3", new Conv2d(f2, f3, 3, 2, p3, RELU, init, rng))
                .add("flatten", new Flatten())
                .add("embedding", new Linear(flat, embeddingSize, init, rng)));
        decoder = child("decoder", new Sequential()
                .add("dense", new Linear(embeddingSize, flat, init, rng)).add("relu", new ReLU())
                .add("reshape", new Reshape(f3, h3, w3))
                .add("deconv3", new ConvTranspose2d(f3, f2, 3, 2, p3, RELU, init, rng))
                .add("deconv2", new ConvTranspose2d(f2, f1, 5, 2, Padding.same(), RELU, init, rng))
                .add("deconv1", new ConvTranspose2d(f1, channels, 5, 2, Padding.same(), Activation.NONE, init, rng)));
    }

    /** The reference filters 32/64/128. */
    public ConvAutoencoder(int channels, int height, int width, int embeddingSize, long seed) {
        this(channels, height, width, embeddingSize, new int[] {32, 64, 128}, seed);
    }

    /**
     * The number of weights of the network for these arguments (as {@link #parameterCount()} of the one the constructor
     * builds), computed without building it; an IllegalArgumentException as {@link #check} gives.
     */
    public static long parameterCount(int channels, int height, int width, int embeddingSize, int[] filters) {
        long c = channels, f1 = filters[0], f2 = filters[1], f3 = filters[2], k = embeddingSize;
        long flat = f3 * conv3Size(height) * conv3Size(width);
        long deconv = (f3 * f2 * 9 + f2) + (f2 * f1 * 25 + f1) + (f1 * c * 25 + c);
        return encoderParameterCount(channels, height, width, embeddingSize, filters) + (k * flat + flat) + deconv;
    }

    /** The same count for the encoder alone (conv1 to the embedding layer), the part that clustering trains in DEC-conv. */
    public static long encoderParameterCount(int channels, int height, int width, int embeddingSize, int[] filters) {
        check(channels, height, width, embeddingSize, filters);
        long c = channels, f1 = filters[0], f2 = filters[1], f3 = filters[2], k = embeddingSize;
        long flat = f3 * conv3Size(height) * conv3Size(width);
        return (c * f1 * 25 + f1) + (f1 * f2 * 25 + f2) + (f2 * f3 * 9 + f3) + (flat * k + k);
    }

    /**
     * Values per image of the encoder's three convolution outputs, {conv1, conv2, conv3} (conv1 and conv2 'same' with
     * stride 2, conv3 'valid' or 'same' as {@link #conv3Size} says; the decoder's outputs mirror them), as longs: the sizes
     * a batch's arrays are checked by.
     */
    public static long[] activationSizes(int height, int width, int[] filters) {
        long h1 = (height + 1) / 2, w1 = (width + 1) / 2, h2 = (h1 + 1) / 2, w2 = (w1 + 1) / 2;
        return new long[] {filters[0] * h1 * w1, filters[1] * h2 * w2, (long) filters[2] * conv3Size(height) * conv3Size(width)};
    }

    /** Spatial size after conv3: 'valid' (s/4 − 3)/2 + 1 when s % 8 ≠ 0, else s/8. */
    public static int conv3Size(int s) { return s % 8 == 0 ? s / 8 : (s / 4 - 3) / 2 + 1; }

    /**
     * The image sizes the network can take: height and width multiples of 4 and at least 12, both multiples of 8 or
     * neither (conv3's padding); otherwise an IllegalArgumentException saying what to change.
     */
    public static void checkSize(int height, int width) {
        if (height % 4 != 0 || width % 4 != 0 || height < 12 || width < 12)
            throw new IllegalArgumentException("the convolutional autoencoder needs image height and width that are multiples of 4 and at least 12 (e.g. 16, 28, 32), got "
                    + height + "x" + width + ": resize the images");
        if ((height % 8 == 0) != (width % 8 == 0))
            throw new IllegalArgumentException("height and width must both be multiples of 8 or both not (conv3 padding rule), got " + height + "x" + width
                    + ": resize the images");
    }

    /** Throws an IllegalArgumentException saying what to change when the architecture cannot take this input. */
    public static void check(int channels, int height, int width, int embeddingSize, int[] filters) {
        if (channels < 1) throw new IllegalArgumentException("images need at least 1 channel, got " + channels);
        checkSize(height, width);
        if (embeddingSize < 1) throw new IllegalArgumentException("embedding size must be >= 1, got " + embeddingSize);
        if (filters.length != 3) throw new IllegalArgumentException("three filter counts expected, got " + filters.length);
        for (int f : filters) if (f < 1) throw new IllegalArgumentException("filter counts must be >= 1");
    }

    /** z = F(x): [N,C,H,W] → [N,K]. */
    @Override public Tensor encode(Tensor x) { return encoder.forward(x); }

    /** G(z): [N,K] → [N,C,H,W]. */
    @Override public Tensor decode(Tensor z) { return decoder.forward(z); }

    /** Reconstruction G(F(x)). */
    @Override public Tensor forward(Tensor x) { return decode(encode(x)); }

    @Override public Module module() { return this; }
    @Override public Module encoderModule() { return encoder; }
    @Override public Module decoderModule() { return decoder; }
    @Override public int channels() { return channels; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int embeddingSize() { return embeddingSize; }
}
