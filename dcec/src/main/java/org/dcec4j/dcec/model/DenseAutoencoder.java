package org.dcec4j.dcec.model;

import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.nn.Init;
import org.dcec4j.engine.nn.Linear;
import org.dcec4j.engine.nn.Module;
import org.dcec4j.engine.nn.ReLU;
import org.dcec4j.engine.nn.Sequential;

/**
 * The fully connected autoencoder of DEC and IDEC: d–500–500–2000–K and back (K–2000–500–500–d), ReLU
 * inside, a linear embedding and a linear output; Keras glorot-uniform weights (or another {@link Init.Scheme}), zero biases. Inputs
 * [N, C, H, W] are flattened to [N, d] and outputs reshaped back, so it is a drop-in for the CAE.
 * Parameter names: encoder.dense1.weight … encoder.embedding.bias, decoder.dense1.weight … decoder.output.bias.
 */
public final class DenseAutoencoder extends Module implements Autoencoder {
    public final int channels, height, width, embeddingSize;
    public final int[] hidden;
    public final Sequential encoder, decoder;

    public DenseAutoencoder(int channels, int height, int width, int embeddingSize, int[] hidden, long seed) {
        this(channels, height, width, embeddingSize, hidden, Init.Scheme.GLOROT_UNIFORM, seed);
    }

    /** With the weights of every layer drawn by {@code init} (the biases are zeros either way). */
    public DenseAutoencoder(int channels, int height, int width, int embeddingSize, int[] hidden, Init.Scheme init, long seed) {
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive, got " + channels + "x" + height + "x" + width);
        if (embeddingSize < 1) throw new IllegalArgumentException("embedding size must be >= 1, got " + embeddingSize);
        if (hidden.length < 1) throw new IllegalArgumentException("at least one hidden layer expected");
        this.channels = channels; this.height = height; this.width = width; this.embeddingSize = embeddingSize;
        this.hidden = hidden.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        int d = channels * height * width;
        encoder = child("encoder", new Sequential());
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            encoder.add("dense" + (l + 1), new Linear(in, hidden[l], init, rng)).add("relu" + (l + 1), new ReLU());
            in = hidden[l];
        }
        encoder.add("embedding", new Linear(in, embeddingSize, init, rng));
        decoder = child("decoder", new Sequential());
        in = embeddingSize;
        for (int l = hidden.length - 1, n = 1; l >= 0; l--, n++) {
            decoder.add("dense" + n, new Linear(in, hidden[l], init, rng)).add("relu" + n, new ReLU());
            in = hidden[l];
        }
        decoder.add("output", new Linear(in, d, init, rng));
    }

    /**
     * The number of weights of the network for these arguments (as {@link #parameterCount()} of the one the constructor
     * builds), computed without building it.
     */
    public static long parameterCount(int channels, int height, int width, int embeddingSize, int[] hidden) {
        long encoder = encoderParameterCount(channels, height, width, embeddingSize, hidden), in = (long) channels * height * width;
        // the decoder mirrors the encoder, K → …hidden → d: each layer's weights again, its bias the size of its input
        long decoder = 0;
        for (int h : hidden) {
            decoder += h * in + in;
            in = h;
        }
        return encoder + decoder + (embeddingSize * in + in);
    }

    /** The same count for the encoder alone (d → hidden… → K), the part that clustering trains in DEC. */
    public static long encoderParameterCount(int channels, int height, int width, int embeddingSize, int[] hidden) {
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive, got " + channels + "x" + height + "x" + width);
        if (embeddingSize < 1) throw new IllegalArgumentException("embedding size must be >= 1, got " + embeddingSize);
        if (hidden.length < 1) throw new IllegalArgumentException("at least one hidden layer expected");
        long n = 0, in = (long) channels * height * width;
        for (int h : hidden) {
            n += in * h + h;
            in = h;
        }
        return n + (in * embeddingSize + embeddingSize);
    }

    /** z: [N, C, H, W] (or [N, d]) → [N, K]. */
    @Override public Tensor encode(Tensor x) { return encoder.forward(F.reshape(x, x.dim(0), channels * height * width)); }

    /** [N, K] → [N, C, H, W]. */
    @Override public Tensor decode(Tensor z) { return F.reshape(decoder.forward(z), z.dim(0), channels, height, width); }

    @Override public Tensor forward(Tensor x) { return decode(encode(x)); }

    @Override public Module module() { return this; }
    @Override public Module encoderModule() { return encoder; }
    @Override public Module decoderModule() { return decoder; }
    @Override public int channels() { return channels; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int embeddingSize() { return embeddingSize; }
}
