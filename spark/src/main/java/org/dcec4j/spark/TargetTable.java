package org.dcec4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingDivergedException;

/**
 * The clustering phase's distributed state: for every block of the training data, the soft assignments Q of its
 * images under the weights of the last recomputation and their hard labels y = argmax_j q_ij. The target
 * distribution P is not stored: a row's p_ij needs only its own q_i· and the cluster frequencies f, so it is computed
 * when the driver collects the rows it trains on ({@link #batches}), with the same arithmetic as
 * {@link TargetDistribution#compute}.
 *
 * <p>Math: docs/math/dcec.md#target-distribution
 */
final class TargetTable {
    /** Q and y of one block; {@code q} is null in the first table (the k-means labels y⁰, no Q yet). */
    record Rows(long first, int n, float[] q, int[] labels, int changed) implements Serializable {}

    /** A partition's contribution to one recomputation. */
    record Partial(int partition, double[] f, long changed, long[] contingency) implements Serializable {}

    /** The outcome of a recomputation: the new table and the sums over all N images. */
    record Update(TargetTable table, double[] f, long changed, long[][] contingency) {}

    final JavaRDD<Rows> rows;
    final int K;

    private TargetTable(JavaRDD<Rows> rows, int K) {
        this.rows = rows;
        this.K = K;
    }

    /** The table of the k-means labels y⁰ (already cached). */
    static TargetTable initial(JavaRDD<Rows> labels, int K) { return new TargetTable(labels, K); }

    /**
     * Recomputes Q for every image with {@code model} (its bytes broadcast), y = argmax Q and, against this table's
     * labels, the changed count; sums f_j = Σ_i q_ij and the (class, cluster) counts. The new table is cached; this one
     * is released. Partitions' sums are added in partition order on the driver: the result depends on the
     * partitioning, never on the schedule.
     *
     * @param classes the labels' classes (0: no scores)
     */
    Update recompute(JavaSparkContext sc, TrainingData data, byte[] model, int classes) {
        Broadcast<byte[]> b = sc.broadcast(model);
        int k = K;
        JavaRDD<Rows> next = data.blocks().zipPartitions(rows, (Iterator<ImageBlock> images, Iterator<Rows> previous) -> {
            TrainedModel m = ExecutorState.model(b);
            List<Rows> out = new ArrayList<>();
            while (images.hasNext()) {
                ImageBlock x = images.next();
                Rows old = previous.next();
                int n = x.n();
                float[] q = m.softAssign(x.x(), n, SparkInference.BATCH);
                for (int i = 0; i < q.length; i++)
                    // diverged, as on one machine (the command's exit code 3): the exception reaches the driver inside Spark's
                    if (!Float.isFinite(q[i])) throw new TrainingDivergedException("training diverged: the soft assignment of image "
                            + x.ids()[i / k] + " is not finite (" + q[i] + ") at a recomputation of Q");
                int[] y = new int[n];
                TargetDistribution.argmax(y, q, n, k);
                int changed = 0;
                for (int i = 0; i < n; i++) if (y[i] != old.labels()[i]) changed++;
                out.add(new Rows(x.first(), n, q, y, changed));
            }
            return out.iterator();
        }).persist(StorageLevel.MEMORY_AND_DISK());
        // with a checkpoint directory set, the new table is written there and its lineage cut: marked before the first
        // job that computes it (Spark checkpoints an RDD after the first job over it, and never once a job has run)
        if (sc.getCheckpointDir().isPresent()) next.checkpoint();
        List<Partial> parts = data.blocks().zipPartitions(next, (Iterator<ImageBlock> images, Iterator<Rows> table) -> {
            double[] f = new double[k];
            long changed = 0;
            long[] counts = classes > 0 ? new long[classes * k] : null;
            while (table.hasNext()) {
                Rows r = table.next();
                ImageBlock x = images.next();
                // f_j = Σ_i q_ij, in row order
                for (int i = 0; i < r.n(); i++) for (int j = 0; j < k; j++) f[j] += r.q()[i * k + j];
                changed += r.changed();
                if (counts != null) for (int i = 0; i < r.n(); i++) counts[x.labels()[i] * k + r.labels()[i]]++;
            }
            return List.of(new Partial(org.apache.spark.TaskContext.getPartitionId(), f, changed, counts)).iterator();
        }).collect();
        // the new table's lineage reaches this one and the broadcast (unless checkpointed above): kept (the driver holds
        // the model bytes), the executors' copies dropped
        b.unpersist(false);
        rows.unpersist(false);
        double[] f = new double[K];
        long changed = 0;
        long[][] contingency = classes > 0 ? new long[classes][K] : null;
        for (Partial p : parts) {            // collect() returns them in partition order
            for (int j = 0; j < K; j++) f[j] += p.f()[j];
            changed += p.changed();
            if (contingency != null) for (int c = 0; c < classes; c++) for (int j = 0; j < K; j++) contingency[c][j] += p.contingency()[c * K + j];
        }
        return new Update(new TargetTable(next, K), f, changed, contingency);
    }

    /** Training rows of one batch: its images and their targets. */
    record Batch(int index, int n, float[] x, float[] p) implements Serializable {}

    /**
     * The images and targets P of the batches marked in {@code wanted} (batch b = images b·B … min(N, (b+1)·B) − 1),
     * in one job: p_ij = (q_ij²/f_j) / Σ_j' (q_ij'²/f_j'), computed per row from the cached Q and the sums f.
     */
    List<Batch> batches(TrainingData data, double[] f, java.util.BitSet wanted, int B) {
        int N = data.size(), D = data.imageSize(), k = K;
        List<Batch> parts = data.blocks().zipPartitions(rows, (Iterator<ImageBlock> images, Iterator<Rows> table) -> {
            List<Batch> out = new ArrayList<>();
            double[] w = new double[k];
            while (table.hasNext()) {
                Rows r = table.next();
                ImageBlock x = images.next();
                long first = r.first();
                int i = 0;
                while (i < r.n()) {
                    int b = (int) ((first + i) / B), end = (int) Math.min((long) (b + 1) * B - first, r.n());
                    if (wanted.get(b)) {
                        int n = end - i;
                        float[] xs = new float[n * D], ps = new float[n * k];
                        System.arraycopy(x.x(), i * D, xs, 0, n * D);
                        // p_ij from q_ij and f, as on one machine
                        for (int row = 0; row < n; row++) TargetDistribution.row(ps, row * k, r.q(), (i + row) * k, f, k, w);
                        // the part of batch b in this block starts at image first + i, offset in the batch:
                        out.add(new Batch(b, (int) (first + i - (long) b * B), xs, ps));
                    }
                    i = end;
                }
            }
            return out.iterator();
        }).collect();
        // assemble whole batches from the parts (index = batch, n = offset of the part within it)
        java.util.Map<Integer, Batch> whole = new java.util.TreeMap<>();
        for (int b = wanted.nextSetBit(0); b >= 0; b = wanted.nextSetBit(b + 1)) {
            int nb = Math.min(N, (b + 1) * B) - b * B;
            whole.put(b, new Batch(b, nb, new float[nb * D], new float[nb * k]));
        }
        for (Batch part : parts) {
            Batch w = whole.get(part.index());
            int rowsIn = part.p().length / k;
            System.arraycopy(part.x(), 0, w.x(), part.n() * D, rowsIn * D);
            System.arraycopy(part.p(), 0, w.p(), part.n() * k, rowsIn * k);
        }
        return new ArrayList<>(whole.values());
    }

    /** Drops the cached table. */
    void release() { rows.unpersist(false); }
}
