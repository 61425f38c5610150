package org.dcec4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;

/**
 * Data-parallel pretraining by synchronous gradient aggregation: one Spark job per mini-batch. The driver draws the
 * epoch's permutation as the single-machine loop does (from (seed, SHUFFLE, epoch)), broadcasts it once per epoch and
 * the weights once per step; every partition computes the gradient of its share of batch b,
 * <pre>
 *   g_p = ∂/∂θ [ (1/(B·C·H·W)) Σ_{i ∈ batch b, i in partition p} ‖G(F(x_i)) − x_i‖² ]
 * </pre>
 * and the driver adds the partitions' gradients in partition order (in double) and takes the Adam step. Σ_p g_p is the
 * gradient of the whole batch's L_r: this is the single-machine pretraining up to the order in which the per-image terms
 * of each weight's gradient are added (bit for bit with one partition).
 *
 * <p>Docs: docs/scale-out.md#pretraining
 */
final class SynchronousGradients {
    private SynchronousGradients() {}

    /** One partition's share of a batch. */
    record Part(int partition, int rows, double lossSum, float[] gradient) implements Serializable {}

    /**
     * The gradients of batch rows perm[from … to) of the partitions holding some of them, in partition order.
     *
     * @param perm the epoch's permutation, broadcast
     */
    static List<Part> step(JavaSparkContext sc, TrainingData data, DcecConfig config, Autoencoder ae, Broadcast<int[]> perm, int from, int to) {
        TensorFile.Builder w = TensorFile.builder();
        ae.module().addTo(w, "");
        Broadcast<byte[]> weights = sc.broadcast(w.toBytes());
        Settings settings = Settings.of(config);
        int C = data.channels(), H = data.height(), W = data.width(), nb = to - from;
        List<Part> parts = data.blocks().mapPartitionsWithIndex((p, it) -> {
            List<ImageBlock> blocks = new ArrayList<>();
            while (it.hasNext()) blocks.add(it.next());
            if (blocks.isEmpty()) return List.<Part>of().iterator();
            long lo = blocks.get(0).first();
            ImageBlock last = blocks.get(blocks.size() - 1);
            long hi = last.first() + last.n();
            int[] order = perm.value();
            int D = C * H * W, n = 0;
            for (int r = from; r < to; r++) if (order[r] >= lo && order[r] < hi) n++;
            if (n == 0) return List.<Part>of().iterator();
            // this partition's rows of the batch, in batch order
            float[] x = new float[n * D];
            int k = 0;
            for (int r = from; r < to; r++) {
                int i = order[r];
                if (i < lo || i >= hi) continue;
                for (ImageBlock b : blocks)
                    if (i >= b.first() && i < b.first() + b.n()) { System.arraycopy(b.x(), (int) (i - b.first()) * D, x, k * D, D); break; }
                k++;
            }
            Backend backend = ExecutorState.backend();
            Autoencoder local = Autoencoder.create(settings.config(), C, H, W, 0);
            local.module().loadFrom(TensorFile.parse(weights.value(), "weights"), "", "weights");
            local.module().use(backend);
            Tensor xb = Tensor.of(x, n, C, H, W);
            // (n/B) · mean over this partition's rows = this partition's terms of the batch mean
            Tensor mse = F.mse(local.decode(local.encode(xb)), xb);
            Tensor loss = n == nb ? mse : F.scale(mse, (float) n / nb);
            loss.backward();
            int size = 0;
            for (Tensor t : local.module().parameters()) size += t.size();
            float[] g = new float[size];
            int off = 0;
            for (Tensor t : local.module().parameters()) {
                if (t.hasGrad()) System.arraycopy(t.grad(), 0, g, off, t.size());
                off += t.size();
            }
            return List.of(new Part(p, n, (double) mse.item() * n, g)).iterator();
        }, true).collect();
        weights.destroy(false);
        return parts;
    }

    /** θ.grad ← Σ_p g_p, added in partition order in double; returns the batch's mean loss. */
    static double gather(List<Part> parts, Autoencoder ae, int nb) {
        List<Tensor> params = ae.module().parameters();
        int size = 0;
        for (Tensor t : params) size += t.size();
        double[] sum = new double[size];
        double loss = 0;
        for (Part p : parts) {
            for (int i = 0; i < size; i++) sum[i] += p.gradient()[i];
            loss += p.lossSum();
        }
        int off = 0;
        for (Tensor t : params) {
            float[] g = t.grad();
            for (int i = 0; i < t.size(); i++) g[i] = (float) sum[off + i];
            off += t.size();
        }
        return loss / nb;
    }
}
