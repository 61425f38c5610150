package org.dcec4j.dcec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fully connected autoencoder of DEC and IDEC against the network written out by hand: d–h1–h2–K with ReLU after
 * each hidden layer only, and the mirror K–h2–h1–d, a linear embedding and a linear output.
 */
class DenseAutoencoderTest {
    static final int C = 2, H = 3, W = 2, D = C * H * W, K = 3, N = 6;
    static final int[] HIDDEN = {5, 7};

    /**
     * Every weight and bias set to its own value in [−1, 1], so that each layer has units on both sides of zero; the
     * embedding and the reconstruction are then computed by plain loops over the parameters read by name: W·h + b,
     * ReLU after every hidden layer of both halves and nowhere else.
     */
    @Test
    void forwardIsTheMirroredNetworkWithReluOnlyAfterHiddenLayers() {
        DenseAutoencoder ae = new DenseAutoencoder(C, H, W, K, HIDDEN, 3L);
        Map<String, Tensor> p = ae.namedParameters();
        // the layers, in order, with the shapes of d–5–7–K and K–7–5–d
        List<String> names = List.of("encoder.dense1", "encoder.dense2", "encoder.embedding",
                "decoder.dense1", "decoder.dense2", "decoder.output");
        int[][] shapes = {{5, D}, {7, 5}, {K, 7}, {7, K}, {5, 7}, {D, 5}};
        assertEquals(2 * names.size(), p.size(), p.keySet().toString());
        for (int l = 0; l < names.size(); l++) {
            assertArrayEquals(shapes[l], p.get(names.get(l) + ".weight").shape(), names.get(l));
            assertArrayEquals(new int[] {shapes[l][0]}, p.get(names.get(l) + ".bias").shape(), names.get(l));
        }
        // by hand: Σ (in·out + out) = 65 + 42 + 24 + 28 + 40 + 72
        assertEquals(271, ae.parameterCount());
        assertEquals(271, DenseAutoencoder.parameterCount(C, H, W, K, HIDDEN));
        assertEquals(65 + 42 + 24, DenseAutoencoder.encoderParameterCount(C, H, W, K, HIDDEN));

        SplittableRandom rng = new SplittableRandom(17);
        for (Tensor t : p.values()) {
            for (int i = 0; i < t.size(); i++) {
                t.data[i] = (float) (2 * rng.nextDouble() - 1);
            }
        }
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        double[][] z = new double[N][];
        double[][] xr = new double[N][];
        int negativeEmbeddings = 0;
        int negativeOutputs = 0;
        for (int n = 0; n < N; n++) {
            double[] h = new double[D];
            for (int i = 0; i < D; i++) {
                h[i] = x[n * D + i];
            }
            for (int l = 0; l < names.size(); l++) {
                boolean relu = l != 2 && l != 5;        // not after the embedding, not after the output
                h = layer(p.get(names.get(l) + ".weight"), p.get(names.get(l) + ".bias"), h, relu);
                if (l == 2) {
                    z[n] = h;
                }
            }
            xr[n] = h;
            for (double v : z[n]) negativeEmbeddings += v < 0 ? 1 : 0;
            for (double v : xr[n]) negativeOutputs += v < 0 ? 1 : 0;
        }
        assertTrue(negativeEmbeddings > 0 && negativeOutputs > 0,
                "the case needs negative embeddings and outputs, which a ReLU there would clip: "
                        + negativeEmbeddings + ", " + negativeOutputs);

        Tensor input = Tensor.of(x.clone(), N, C, H, W);
        Tensor emb = ae.encode(input);
        assertArrayEquals(new int[] {N, K}, emb.shape());
        Tensor out = ae.forward(input);
        assertArrayEquals(new int[] {N, C, H, W}, out.shape());
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                assertEquals(z[n][k], emb.data[n * K + k], 1e-5, "z[" + n + ", " + k + "]");
            }
            for (int i = 0; i < D; i++) {
                assertEquals(xr[n][i], out.data[n * D + i], 1e-5, "x̂[" + n + ", " + i + "]");
            }
        }
        // the decoder alone on the embedding gives the same reconstruction
        Tensor decoded = ae.decode(emb);
        assertArrayEquals(out.data, decoded.data, 1e-6f);
    }

    /** W·h + b with W [out, in] row-major, then max(0, ·) if relu. */
    private static double[] layer(Tensor w, Tensor b, double[] h, boolean relu) {
        int out = w.shape()[0];
        int in = w.shape()[1];
        assertEquals(in, h.length);
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b.data[o];
            for (int i = 0; i < in; i++) {
                s += (double) w.data[o * in + i] * h[i];
            }
            y[o] = relu ? Math.max(0, s) : s;
        }
        return y;
    }
}
