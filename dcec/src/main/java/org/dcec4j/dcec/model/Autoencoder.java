package org.dcec4j.dcec.model;

import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.nn.Module;

/**
 * What the training loop needs of an autoencoder (the CAE of DCEC and the dense one of DEC/IDEC): the
 * encoder F and decoder G, the module that owns every weight, and the parameters of each half
 * (DEC-style methods drop the decoder in the clustering phase).
 */
public interface Autoencoder {
    /** z = F(x): [N, C, H, W] → [N, K]. */
    Tensor encode(Tensor x);

    /** G(z): [N, K] → [N, C, H, W]. */
    Tensor decode(Tensor z);

    /** The whole network: every weight (saving, loading, the pretraining optimiser). */
    Module module();

    /** The encoder F's weights. */
    Module encoderModule();

    /** The decoder G's weights. */
    Module decoderModule();

    /** C, H, W of the images it takes. */
    int channels();
    int height();
    int width();

    /** K, the size of the embedding z (the number of clusters). */
    int embeddingSize();

    /**
     * Loads a pretraining's weights file (what {@code Module.save} writes: kind "module") into {@link #module()}, every
     * entry checked before anything changes. A model or checkpoint of the dcec command given instead is named as such:
     * the engine's own check would only say that the first parameter is missing (they hold it under another name).
     */
    default void loadPretrained(TensorFile f, String source) {
        String kind = f.meta("kind");
        if ("dcec-model".equals(kind) || "dcec-checkpoint".equals(kind))
            throw new TensorFile.FormatException(source + ": a dcec " + ("dcec-model".equals(kind) ? "model (model.dc4j)" : "checkpoint")
                    + ", not a pretraining's weights file: give the weights the pretraining wrote (cae_weights.dc4j or ae_weights.dc4j"
                    + " in its run folder)" + ("dcec-model".equals(kind) ? "; a trained model is read with TrainedModel.load"
                    + " (the command line's predict --model)" : ""));
        module().loadFrom(f, "", source);
    }

    /**
     * The number of weights {@link #create} would allocate for C×H×W images, computed without allocating them (a long:
     * a model file's metadata can declare a network far larger than memory); the same IllegalArgumentException as
     * create for a size the architecture cannot take.
     */
    static long parameterCount(DcecConfig cfg, int channels, int height, int width) {
        return switch (cfg.method().network) {
            case CONV -> ConvAutoencoder.parameterCount(channels, height, width, cfg.K(), cfg.filters());
            case DENSE -> DenseAutoencoder.parameterCount(channels, height, width, cfg.K(), cfg.denseDims());
            case NONE -> throw new IllegalArgumentException("method " + cfg.method() + " has no autoencoder");
        };
    }

    /** {@link #parameterCount} of the encoder alone. */
    static long encoderParameterCount(DcecConfig cfg, int channels, int height, int width) {
        return switch (cfg.method().network) {
            case CONV -> ConvAutoencoder.encoderParameterCount(channels, height, width, cfg.K(), cfg.filters());
            case DENSE -> DenseAutoencoder.encoderParameterCount(channels, height, width, cfg.K(), cfg.denseDims());
            case NONE -> throw new IllegalArgumentException("method " + cfg.method() + " has no autoencoder");
        };
    }

    /** The network a config's method trains on C×H×W images, weights drawn from {@code seed}. */
    static Autoencoder create(DcecConfig cfg, int channels, int height, int width, long seed) {
        return switch (cfg.method().network) {
            case CONV -> new ConvAutoencoder(channels, height, width, cfg.K(), cfg.filters(), cfg.init(), seed);
            case DENSE -> new DenseAutoencoder(channels, height, width, cfg.K(), cfg.denseDims(), cfg.init(), seed);
            case NONE -> throw new IllegalArgumentException("method " + cfg.method() + " has no autoencoder");
        };
    }
}
