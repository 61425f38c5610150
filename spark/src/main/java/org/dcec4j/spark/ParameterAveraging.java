package org.dcec4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.train.Batches;
import org.dcec4j.dcec.train.PretrainingStep;
import org.dcec4j.dcec.train.Seeds;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.optim.Adam;

/**
 * Data-parallel pretraining by periodic parameter averaging (local SGD): in every round each partition trains its
 * own copy of the autoencoder and of the Adam state on its own images for up to {@code syncEvery} mini-batches,
 * exactly as the single-machine loop trains (a seeded permutation per epoch, batches of B with a short last one,
 * L_r = MSE(G(F(x)), x)); the driver then sets the weights and the Adam moments to the average of the partitions'
 * weighted by the images each trained in the round, and the step count to the largest. One Spark job per round.
 *
 * <pre>
 *   partition p, epoch e: π_p ← permutation of its n_p images drawn from (seed, SHUFFLE, e·P + p)
 *   round r: θ_p, m_p, v_p ← θ, m, v;  Adam steps on batches r·S … (r+1)·S − 1 of π_p
 *            θ ← Σ_p w_p θ_p,  m ← Σ_p w_p m_p,  v ← Σ_p w_p v_p   (w_p = images p trained / all trained; in double,
 *            added in partition order)
 * </pre>
 *
 * With one partition and a round per epoch this is the single-machine pretraining bit for bit (the permutation of
 * epoch e is drawn from (seed, SHUFFLE, e), the weights pass through unchanged). With P partitions it is a
 * different optimiser: P·S mini-batch steps per round are folded into one average; the results are fixed by the
 * seed and the partitioning (not by the schedule: the average is taken on the driver in partition order).
 *
 * <p>Docs: docs/scale-out.md#pretraining
 */
final class ParameterAveraging {
    private ParameterAveraging() {}

    /** What one partition sends back after a round. */
    record Round(int partition, int images, int steps, double lossSum, float worstLoss, byte[] state) implements Serializable {}

    /** The state of the run: weights ("model.…") and Adam ("adam.…"), as a TensorFile's bytes. */
    static byte[] state(Autoencoder ae, Adam opt) {
        TensorFile.Builder b = TensorFile.builder();
        ae.module().addTo(b, "model.");
        opt.saveState(b, "adam.");
        return b.toBytes();
    }

    /**
     * One round: every partition trains steps [from, from + count) of its epoch-{@code epoch} walk from {@code state}.
     *
     * @return the rounds of the partitions that trained, in partition order
     */
    static List<Round> round(JavaSparkContext sc, TrainingData data, DcecConfig config, byte[] state, int epoch, int from, int count) {
        Broadcast<byte[]> b = sc.broadcast(state);
        Settings settings = Settings.of(config);
        int P = data.blocks().getNumPartitions(), C = data.channels(), H = data.height(), W = data.width(), N = data.size();
        List<Round> out = data.blocks().mapPartitionsWithIndex((p, it) -> {
            List<float[]> parts = new ArrayList<>();
            int n = 0;
            while (it.hasNext()) {
                ImageBlock k = it.next();
                parts.add(k.x());
                n += k.n();
            }
            DcecConfig cfg = settings.config();
            int D = C * H * W, B = Math.min(cfg.batchSize(), N), batches = Batches.count(n, B);
            if (n == 0 || from >= batches) return List.<Round>of().iterator();
            float[] x = new float[n * D];
            int off = 0;
            for (float[] part : parts) { System.arraycopy(part, 0, x, off, part.length); off += part.length; }
            Backend backend = ExecutorState.backend();
            TensorFile start = TensorFile.parse(b.value(), "pretraining state");
            Autoencoder ae = Autoencoder.create(cfg, C, H, W, 0);
            ae.module().loadFrom(start, "model.", "pretraining state");
            ae.module().use(backend);
            Adam opt = new Adam(ae.module().parameters(), cfg.lr(), backend.kernels());
            opt.loadState(start, "adam.", "pretraining state");
            int[] perm = Batches.permutation(n, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, (long) epoch * P + p));
            float[] full = new float[B * D], tail = new float[(n - (batches - 1) * B) * D];
            double sum = 0;
            float worst = 0;
            int images = 0, to = Math.min(batches, from + count);
            StepArena arena = new StepArena();      // each local step reuses the previous one's activations and gradients
            for (int bi = from; bi < to; bi++) {
                int lo = Batches.start(bi, B), hi = Batches.end(bi, n, B), nb = hi - lo;
                float[] buf = nb == B ? full : tail;
                Batches.gather(buf, x, D, perm, lo, hi);
                Tensor xb = Tensor.of(buf, nb, C, H, W);
                // the single-machine pretraining's own step
                float l = PretrainingStep.run(arena, ae, opt, xb);
                if (!Float.isFinite(l)) { worst = l; break; }
                sum += (double) l * nb;
                images += nb;
            }
            return List.of(new Round(p, images, to - from, sum, worst, state(ae, opt))).iterator();
        }, true).collect();
        b.destroy();
        return out;
    }

    /**
     * The average of the partitions' states, weighted by the images each trained (in double, partition order);
     * Adam's step count is {@code t0} plus the most steps any partition took.
     */
    static byte[] average(List<Round> rounds, long t0) {
        long images = 0;
        int steps = 0;
        for (Round r : rounds) { images += r.images(); steps = Math.max(steps, r.steps()); }
        TensorFile first = TensorFile.parse(rounds.get(0).state(), "partition " + rounds.get(0).partition());
        List<String> names = first.names();
        double[][] sums = new double[names.size()][];
        for (int t = 0; t < names.size(); t++) sums[t] = new double[first.get(names.get(t)).data().length];
        for (Round r : rounds) {
            TensorFile f = r == rounds.get(0) ? first : TensorFile.parse(r.state(), "partition " + r.partition());
            double w = (double) r.images() / images;
            for (int t = 0; t < names.size(); t++) {
                float[] v = f.get(names.get(t)).data();
                for (int i = 0; i < v.length; i++) sums[t][i] += w * v[i];
            }
        }
        TensorFile.Builder b = TensorFile.builder().meta("adam.t", Long.toString(t0 + steps));
        for (int t = 0; t < names.size(); t++) {
            float[] v = new float[sums[t].length];
            for (int i = 0; i < v.length; i++) v[i] = (float) sums[t][i];
            b.tensor(names.get(t), first.get(names.get(t)).shape(), v);
        }
        return b.toBytes();
    }
}
