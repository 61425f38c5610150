package org.dcec4j.dcec.model;

import java.util.function.UnaryOperator;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.nn.Module;

/**
 * One view of the two autoencoders (the CAE and the dense one): the module that owns the weights, its
 * encoder F and decoder G, and the parameters of each half (DEC-style methods drop the decoder).
 */
public final class Autoencoder {
    public final Module module;
    public final Module encoderModule, decoderModule;
    private final UnaryOperator<Tensor> encode, decode;
    public final int channels, height, width, embeddingSize;

    private Autoencoder(Module module, Module encoder, Module decoder, UnaryOperator<Tensor> encode, UnaryOperator<Tensor> decode,
                        int channels, int height, int width, int embeddingSize) {
        this.module = module; this.encoderModule = encoder; this.decoderModule = decoder;
        this.encode = encode; this.decode = decode;
        this.channels = channels; this.height = height; this.width = width; this.embeddingSize = embeddingSize;
    }

    /** The network a config's method trains on C×H×W images, weights drawn from {@code seed}. */
    public static Autoencoder create(DcecConfig cfg, int channels, int height, int width, long seed) {
        if (cfg.method().network == Method.Network.CONV) {
            ConvAutoencoder cae = new ConvAutoencoder(channels, height, width, cfg.K(), cfg.filters(), seed);
            return new Autoencoder(cae, cae.encoder, cae.decoder, cae::encode, cae::decode, channels, height, width, cfg.K());
        }
        if (cfg.method().network == Method.Network.DENSE) {
            DenseAutoencoder ae = new DenseAutoencoder(channels, height, width, cfg.K(), cfg.denseDims(), seed);
            return new Autoencoder(ae, ae.encoder, ae.decoder, ae::encode, ae::decode, channels, height, width, cfg.K());
        }
        throw new IllegalArgumentException("method " + cfg.method() + " has no autoencoder");
    }

    /** z = F(x): [N, C, H, W] → [N, K]. */
    public Tensor encode(Tensor x) { return encode.apply(x); }

    /** G(z): [N, K] → [N, C, H, W]. */
    public Tensor decode(Tensor z) { return decode.apply(z); }
}
