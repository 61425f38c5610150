package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.F;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.optim.Sgd;
import org.junit.jupiter.api.Test;

/** One clustering step (DCEC's L = L_r + γ·L_c) on a tiny CAE, against values and gradients computed apart. */
class ClusteringStepTest {
    static final int N = 8, K = 3, S = 12;
    static final int[] FILTERS = {4, 4, 8};
    static final float GAMMA = 0.1f, ALPHA = 1f;

    static Autoencoder ae() { return new ConvAutoencoder(1, S, S, K, FILTERS, 1L); }

    static ClusteringLayer layer(int D) {
        ClusteringLayer layer = new ClusteringLayer(K, D, ALPHA);
        float[] mu = new float[K * D];
        for (int i = 0; i < mu.length; i++) mu[i] = (float) Math.sin(i + 1);
        layer.setCentres(mu);
        return layer;
    }

    /** A fixed target distribution P [N, K] (rows sum to 1, not one-hot). */
    static float[] targets() {
        float[] p = new float[N * K];
        for (int i = 0; i < N; i++) {
            p[i * K + i % K] = 0.6f;
            p[i * K + (i + 1) % K] = 0.3f;
            p[i * K + (i + 2) % K] = 0.1f;
        }
        return p;
    }

    static List<Tensor> params(Autoencoder ae, ClusteringLayer layer) {
        List<Tensor> params = new ArrayList<>(ae.module().parameters());
        params.add(layer.mu);
        return params;
    }

    /**
     * The reported L equals L_r + γ·L_c with L_r = mean (G(F(x)) − x)² and L_c = (1/n) Σ p log(p/q), q the Student's t
     * assignment, all three recomputed by hand in double from the network's forward values (not γ·L_r + L_c).
     */
    @Test void theLossIsLrPlusGammaLcAsComputedByHand() {
        float[] x = Shapes.generate(N, K, S).images().clone();
        float[] p = targets();
        // the oracle: forward values of an identical network, the losses summed by hand
        Autoencoder ref = ae();
        ClusteringLayer refLayer = layer(ref.embeddingSize());
        Tensor xt = Tensor.of(x.clone(), N, 1, S, S);
        Tensor z = ref.encode(xt);
        float[] rec = ref.decode(z).data;
        double lr = 0;
        for (int i = 0; i < x.length; i++) lr += (double) (rec[i] - x[i]) * (rec[i] - x[i]);
        lr /= x.length;
        int D = ref.embeddingSize();
        double lc = 0;
        for (int i = 0; i < N; i++) {
            double[] q = new double[K];
            double sum = 0;
            for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int d = 0; d < D; d++) {
                    double diff = z.data[i * D + d] - refLayer.mu.data[j * D + d];
                    d2 += diff * diff;
                }
                q[j] = Math.pow(1 + d2 / ALPHA, -(ALPHA + 1) / 2.0);
                sum += q[j];
            }
            for (int j = 0; j < K; j++) lc += p[i * K + j] * Math.log(p[i * K + j] / (q[j] / sum));
        }
        lc /= N;

        Autoencoder ae = ae();
        ClusteringLayer layer = layer(ae.embeddingSize());
        TrainingListener.Losses l = ClusteringStep.run(new StepArena(), ae, layer, new Sgd(params(ae, layer), 1e-3f, 0f),
                Tensor.of(x.clone(), N, 1, S, S), p, N, K, true, GAMMA);
        assertEquals(lr, l.Lr(), 1e-6 * lr, "L_r");
        assertEquals(lc, l.Lc(), 1e-5 * lc, "L_c");
        assertEquals(lr + GAMMA * lc, l.L(), 1e-5 * (lr + GAMMA * lc), "L = L_r + γ·L_c");
        // the two terms differ enough that γ·L_r + L_c would be far off
        assertTrue(Math.abs((GAMMA * lr + lc) - (lr + GAMMA * lc)) > 1e-2 * (lr + GAMMA * lc), "lr " + lr + ", lc " + lc);
    }

    /**
     * The step's gradient (what SGD steps along) is ∇L_r + γ·∇L_c, each term from its own autograd pass (F.mse alone,
     * F.klDiv alone) on an identical network and added in double: for every weight of the encoder, the decoder and μ.
     */
    @Test void theStepFollowsTheGradientOfLrPlusGammaLc() {
        float[] x = Shapes.generate(N, K, S).images().clone();
        float[] p = targets();
        // the oracle: ∇L_r and ∇L_c from two separate backward passes
        Autoencoder ref = ae();
        ClusteringLayer refLayer = layer(ref.embeddingSize());
        List<Tensor> refParams = params(ref, refLayer);
        for (Tensor t : refParams) t.zeroGrad();
        Tensor xr = Tensor.of(x.clone(), N, 1, S, S);
        F.mse(ref.decode(ref.encode(xr)), xr).backward();
        List<float[]> gr = new ArrayList<>();
        for (Tensor t : refParams) gr.add(t.grad().clone());
        for (Tensor t : refParams) t.zeroGrad();
        Tensor xc = Tensor.of(x.clone(), N, 1, S, S);
        F.klDiv(Tensor.of(p.clone(), N, K), refLayer.forward(ref.encode(xc))).backward();
        List<float[]> gc = new ArrayList<>();
        for (Tensor t : refParams) gc.add(t.grad().clone());

        Autoencoder ae = ae();
        ClusteringLayer layer = layer(ae.embeddingSize());
        List<Tensor> params = params(ae, layer);
        assertEquals(refParams.size(), params.size());
        float[][] before = new float[params.size()][];
        for (int t = 0; t < params.size(); t++) {
            before[t] = params.get(t).data.clone();
            assertArrayEquals(refParams.get(t).data, before[t], "the two networks start equal");
        }
        float eta = 1e-3f;
        ClusteringStep.run(new StepArena(), ae, layer, new Sgd(params, eta, 0f), Tensor.of(x.clone(), N, 1, S, S), p, N, K, true, GAMMA);
        double largest = 0;
        for (int t = 0; t < params.size(); t++)
            for (int i = 0; i < gr.get(t).length; i++) largest = Math.max(largest, Math.abs(gr.get(t)[i] + (double) GAMMA * gc.get(t)[i]));
        int muIndex = params.size() - 1;
        for (int t = 0; t < params.size(); t++) {
            float[] g = params.get(t).grad();
            for (int i = 0; i < g.length; i++) {
                double expected = gr.get(t)[i] + (double) GAMMA * gc.get(t)[i];
                assertEquals(expected, g[i], 1e-5 * largest + 1e-4 * Math.abs(expected),
                        "parameter " + (t == muIndex ? "mu" : t) + "[" + i + "]");
                // and SGD moved the weight by −η·g
                assertEquals(before[t][i] - eta * g[i], params.get(t).data[i], Math.ulp(before[t][i]) * 2, "step of " + t + "[" + i + "]");
            }
        }
        // μ is moved by γ·∇L_c only: its gradient is not ∇L_c
        float[] gMu = params.get(muIndex).grad();
        double dist = 0, norm = 0;
        for (int i = 0; i < gMu.length; i++) { dist += Math.abs(gMu[i] - gc.get(muIndex)[i]); norm += Math.abs(gc.get(muIndex)[i]); }
        assertTrue(norm > 0 && dist > 0.5 * norm, "the gradient of μ is γ·∇L_c, not ∇L_c");
    }
}
