package org.dcec4j.dcec.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.cluster.KMeansResult;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.kernels.KernelOptions;
import org.dcec4j.engine.optim.Adam;

/**
 * Runs DCEC (and the paper's comparison methods) on one data set, exactly as ../shared/DCEC.md §1:
 * <ol>
 *   <li>pretraining: Adam on L_r = MSE(G(F(x)), x), a fresh seeded shuffle every epoch;</li>
 *   <li>centre initialisation: k-means (k-means++, restarts, lowest inertia) on the embeddings of all N images;</li>
 *   <li>clustering: a fresh Adam over the network and μ on L = L_r + γ·L_c (L_c alone for DEC-style
 *       methods), batches in order with a short last one, P recomputed from all data at iteration 0 and
 *       every T iterations, stop when fewer than tol of the labels changed (never at iteration 0), at
 *       most maxIter iterations.</li>
 * </ol>
 * With an output folder it writes config.json, pretrain_log.csv, dcec_log.csv, the pretrained weights,
 * model.dc4j, predictions.csv and, every checkpointEvery epochs/iterations, checkpoint.dc4j (atomically).
 * A resumed run reaches bit-for-bit the same weights and labels as an uninterrupted one with the same
 * seed: every random choice is re-derived from (seed, stream, epoch) by {@link Seeds}.
 *
 * <p>Math: docs/math/dcec.md#loop
 */
public final class DcecTrainer {
    public static final String CONFIG_JSON = "config.json", PRETRAIN_LOG = "pretrain_log.csv", DCEC_LOG = "dcec_log.csv",
            CHECKPOINT = "checkpoint.dc4j", MODEL = "model.dc4j", PREDICTIONS = "predictions.csv";
    public static final String PRETRAIN_HEADER = "epoch,loss,seconds";
    public static final String DCEC_HEADER = "iter,acc,nmi,ari,L,Lc,Lr,delta_label";

    private final DcecConfig cfg;
    private final Dataset data;
    private final float[] x;
    private final int N, C, H, W, D, K;
    private final Path out;
    private TrainingListener listener = TrainingListener.NONE;
    private boolean resume;
    private Path pretrained;
    private boolean pretrainOnly;
    private String lastCheckpoint = "none written yet";

    /**
     * Checks everything that can be checked before any work and throws an IllegalArgumentException
     * that names the option to change.
     *
     * @param out the output folder, or null to write no files
     */
    public DcecTrainer(DcecConfig cfg, Dataset data, Path out) {
        this.cfg = cfg.validate();
        this.data = data;
        this.x = data.images();
        this.N = data.size(); this.C = data.channels(); this.H = data.height(); this.W = data.width();
        this.D = C * H * W; this.K = cfg.K();
        this.out = out;
        if (K > N)
            throw new IllegalArgumentException("--clusters " + K + " is larger than the number of images (" + N + " in " + data.name()
                    + "): lower --clusters or use more images (--limit)");
        if (cfg.method().network == Method.Network.CONV) ConvAutoencoder.check(C, H, W, K, cfg.filters());
    }

    public DcecTrainer listener(TrainingListener l) { this.listener = l; return this; }

    /** Continue from out/checkpoint.dc4j (which must exist and belong to the same config and data). */
    public DcecTrainer resume(boolean on) {
        if (on) {
            if (out == null) throw new IllegalArgumentException("--resume needs the --out folder of the run to continue");
            if (!Files.isRegularFile(out.resolve(CHECKPOINT)))
                throw new IllegalArgumentException("--resume: no checkpoint at " + out.resolve(CHECKPOINT)
                        + "; pass the --out folder of the killed run (it needs --checkpoint-every > 0) or drop --resume");
        }
        this.resume = on;
        return this;
    }

    /** Skip pretraining: start from these autoencoder weights (the `cluster` command). */
    public DcecTrainer pretrainedWeights(Path weights) {
        if (weights != null && !Files.isRegularFile(weights))
            throw new IllegalArgumentException("--weights: no file at " + weights + " (pass the " + weightsFileName(cfg.method()) + " that `dcec pretrain` wrote)");
        if (weights != null && !cfg.method().pretrains)
            throw new IllegalArgumentException("--weights: method " + cfg.method() + " has no autoencoder");
        this.pretrained = weights;
        return this;
    }

    /** Stop after pretraining (the `pretrain` command). */
    public DcecTrainer pretrainOnly(boolean on) { this.pretrainOnly = on; return this; }

    /** The pretrained weights' file name of a method: cae_weights.dc4j or ae_weights.dc4j. */
    public static String weightsFileName(Method m) { return m.network == Method.Network.DENSE ? "ae_weights.dc4j" : "cae_weights.dc4j"; }

    // ------------------------------------------------------------------------------------------ run
    public DcecResult run() throws IOException {
        Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
        TensorFile ck = resume ? readCheckpoint() : null;
        Phase ckPhase = ck == null ? null : Phase.parse(ck.meta("phase"));
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve(CONFIG_JSON), configJson(), StandardCharsets.UTF_8);
        }
        if (cfg.method() == Method.KMEANS) return kmeansOnPixels(seconds);

        Autoencoder ae = Autoencoder.create(cfg, C, H, W, Seeds.derive(cfg.seed(), Seeds.WEIGHTS, 0));
        // ---- phase 1: pretraining
        if (pretrained != null && ckPhase == null) {
            ae.module().load(pretrained);
        } else if (ckPhase == null || ckPhase == Phase.PRETRAIN) {
            long t0 = System.nanoTime();
            pretrain(ae, ck);
            seconds.put(Phase.PRETRAIN, (System.nanoTime() - t0) / 1e9);
            listener.phaseDone(Phase.PRETRAIN, seconds.get(Phase.PRETRAIN));
            if (out != null) ae.module().save(out.resolve(weightsFileName(cfg.method())));
        }
        if (pretrainOnly) return new DcecResult(null, null, Scores.NONE, null, 0, false, seconds);

        // ---- phase 2: k-means on the embeddings of all N images
        ClusteringLayer layer = new ClusteringLayer(K, ae.embeddingSize(), cfg.alpha());
        int[] kmLabels = null;
        if (ckPhase != Phase.CLUSTER) {
            long t0 = System.nanoTime();
            listener.phaseStarted(Phase.KMEANS, 0, 1);
            float[] z = Inference.embed(ae, x, N, cfg.batchSize());
            KMeansResult km = kmeans(z, ae.embeddingSize());
            layer.setCentres(km.centresAsFloat());
            kmLabels = km.labels().clone();
            seconds.put(Phase.KMEANS, (System.nanoTime() - t0) / 1e9);
            listener.phaseDone(Phase.KMEANS, seconds.get(Phase.KMEANS));
        }
        TrainedModel model = new TrainedModel(cfg, C, H, W, ae, layer.mu.data);
        if (!cfg.method().clusters) {
            float[] q = Inference.softAssign(Inference.embed(ae, x, N, cfg.batchSize()), N, ae.embeddingSize(), layer.mu.data, K, cfg.alpha());
            return finish(model, kmLabels, q, 0, false, seconds);
        }

        // ---- phase 3: joint training
        long t0 = System.nanoTime();
        ClusterOutcome c = cluster(ae, layer, kmLabels, ckPhase == Phase.CLUSTER ? ck : null);
        seconds.put(Phase.CLUSTER, (System.nanoTime() - t0) / 1e9);
        listener.phaseDone(Phase.CLUSTER, seconds.get(Phase.CLUSTER));
        return finish(model, c.labels, c.q, c.iterations, c.converged, seconds);
    }

    // ------------------------------------------------------------------------------------ pretraining
    /** Math: docs/math/dcec.md#pretraining */
    private void pretrain(Autoencoder ae, TensorFile ck) throws IOException {
        Adam opt = new Adam(ae.module().parameters(), cfg.lr());
        int first = 0;
        CsvLog log = null;
        if (ck != null) {
            String src = out.resolve(CHECKPOINT).toString();
            ae.module().loadFrom(ck, "model.", src);
            opt.loadState(ck, "adam.", src);
            first = Integer.parseInt(ck.meta("epoch"));
            int done = first;
            if (out != null) log = CsvLog.resume(out.resolve(PRETRAIN_LOG), PRETRAIN_HEADER, e -> e <= done);
        } else if (out != null) {
            log = CsvLog.create(out.resolve(PRETRAIN_LOG), PRETRAIN_HEADER);
        }
        int E = cfg.pretrainEpochs(), B = Math.min(cfg.batchSize(), N), batches = Batches.count(N, B);
        float[] full = new float[B * D], tail = new float[(N - (batches - 1) * B) * D];
        listener.phaseStarted(Phase.PRETRAIN, first, E);
        for (int epoch = first; epoch < E; epoch++) {
            long t0 = System.nanoTime();
            int[] perm = Batches.permutation(N, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, epoch));
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                int from = Batches.start(b, B), to = Batches.end(b, N, B), nb = to - from;
                float[] buf = nb == B ? full : tail;
                Batches.gather(buf, x, D, perm, from, to);
                Tensor xb = Tensor.of(buf, nb, C, H, W);
                opt.zeroGrad();
                // L_r = (1/(B·C·H·W)) Σ (G(F(x)) − x)²
                Tensor loss = F.mse(ae.decode(ae.encode(xb)), xb);
                float l = loss.item();
                if (!Float.isFinite(l)) throw diverged("pretraining", "epoch " + (epoch + 1) + ", batch " + (b + 1), l);
                loss.backward();
                opt.step();
                sum += (double) l * nb;
                listener.batchDone(Phase.PRETRAIN, epoch, b, batches, l);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (log != null) log.row(epoch + 1, sum / N, secs);
            listener.epochDone(epoch + 1, sum / N, secs);
            int every = cfg.checkpointEvery();
            if (out != null && every > 0 && ((epoch + 1) % every == 0 || epoch + 1 == E)) {
                TensorFile.Builder b = checkpoint(Phase.PRETRAIN, ae).meta("epoch", Integer.toString(epoch + 1));
                opt.saveState(b, "adam.");
                writeCheckpoint(b, Phase.PRETRAIN, epoch + 1, ae, null);
            }
        }
    }

    // ------------------------------------------------------------------------------------ k-means
    private KMeansResult kmeans(float[] points, int dims) {
        return new KMeans(K).withRestarts(cfg.kmeansRestarts()).withSeed(Seeds.derive(cfg.seed(), Seeds.KMEANS, 0))
                .withThreads(KernelOptions.threads()).fit(points, N, dims);
    }

    private DcecResult kmeansOnPixels(Map<Phase, Double> seconds) throws IOException {
        long t0 = System.nanoTime();
        listener.phaseStarted(Phase.KMEANS, 0, 1);
        KMeansResult km = kmeans(x, D);
        seconds.put(Phase.KMEANS, (System.nanoTime() - t0) / 1e9);
        listener.phaseDone(Phase.KMEANS, seconds.get(Phase.KMEANS));
        float[] mu = km.centresAsFloat();
        TrainedModel model = new TrainedModel(cfg, C, H, W, null, mu);
        float[] q = Inference.softAssign(x, N, D, mu, K, cfg.alpha());
        return finish(model, km.labels().clone(), q, 0, false, seconds);
    }

    // ------------------------------------------------------------------------------------ clustering
    private record ClusterOutcome(int[] labels, float[] q, int iterations, boolean converged) {}

    /** Math: docs/math/dcec.md#kl */
    private ClusterOutcome cluster(Autoencoder ae, ClusteringLayer layer, int[] kmLabels, TensorFile ck) throws IOException {
        boolean keepDecoder = cfg.method().keepsDecoder;
        List<Tensor> params = new ArrayList<>(keepDecoder ? ae.module().parameters() : ae.encoderModule().parameters());
        params.add(layer.mu);
        Adam opt = new Adam(params, cfg.lr());            // a fresh optimiser, not the pretraining one
        int Ke = ae.embeddingSize();
        float[] p = new float[N * K];
        int[] previous, current = new int[N];
        int it;
        double sumL = 0, sumLc = 0, sumLr = 0;
        int counted = 0;
        CsvLog log = null;
        if (ck != null) {
            String src = out.resolve(CHECKPOINT).toString();
            ae.module().loadFrom(ck, "model.", src);
            layer.loadFrom(ck, "layer.", src);
            opt.loadState(ck, "adam.", src);
            it = Integer.parseInt(ck.meta("iteration"));
            System.arraycopy(ck.require("p", src).data(), 0, p, 0, N * K);
            float[] saved = ck.require("labels", src).data();
            previous = new int[N];
            for (int i = 0; i < N; i++) previous[i] = (int) saved[i];
            sumL = Double.parseDouble(ck.meta("sumL")); sumLc = Double.parseDouble(ck.meta("sumLc"));
            sumLr = Double.parseDouble(ck.meta("sumLr")); counted = Integer.parseInt(ck.meta("counted"));
            int next = it;
            if (out != null) log = CsvLog.resume(out.resolve(DCEC_LOG), DCEC_HEADER, i -> i < next);
        } else {
            it = 0;
            previous = kmLabels;      // as in the reference: the first δ compares with the k-means labels
            if (out != null) log = CsvLog.create(out.resolve(DCEC_LOG), DCEC_HEADER);
        }
        int B = Math.min(cfg.batchSize(), N), batches = Batches.count(N, B), T = cfg.updateInterval();
        float[] xFull = new float[B * D], pFull = new float[B * K];
        int tailN = N - (batches - 1) * B;
        float[] xTail = new float[tailN * D], pTail = new float[tailN * K];
        float[] q = null;
        boolean converged = false;
        listener.phaseStarted(Phase.CLUSTER, it, cfg.maxIter());
        while (true) {
            if (it % T == 0 || it >= cfg.maxIter()) {
                // Math: docs/math/dcec.md#target-distribution  (Q and P over ALL N points)
                q = Inference.softAssign(Inference.embed(ae, x, N, cfg.batchSize()), N, Ke, layer.mu.data, K, cfg.alpha());
                TargetDistribution.argmax(current, q, N, K);
                double delta = TargetDistribution.changedFraction(previous, current);
                TargetDistribution.compute(p, q, N, K);
                Scores s = Scores.of(data.labels(), current);
                double n = counted == 0 ? Double.NaN : counted;
                if (log != null) log.row(it, s.acc(), s.nmi(), s.ari(), sumL / n, sumLc / n, keepDecoder ? sumLr / n : Double.NaN, delta);
                sumL = sumLc = sumLr = 0;
                counted = 0;
                int[] t = previous; previous = current; current = t;
                listener.targetUpdated(it, delta, s);
                // Math: docs/math/dcec.md#stop-rule
                if (it > 0 && delta < cfg.tol()) { converged = true; break; }
                if (it >= cfg.maxIter()) break;
            }
            int b = Batches.orderedBatch(it, N, B);
            int from = Batches.start(b, B), nb = Batches.end(b, N, B) - from;
            float[] xb = nb == B ? xFull : xTail, pb = nb == B ? pFull : pTail;
            System.arraycopy(x, from * D, xb, 0, nb * D);
            System.arraycopy(p, from * K, pb, 0, nb * K);
            Tensor xt = Tensor.of(xb, nb, C, H, W);
            opt.zeroGrad();
            Tensor z = ae.encode(xt);
            // L_c = (1/B) Σ_i Σ_j p_ij log(p_ij / q_ij), P constant
            Tensor lc = F.klDiv(Tensor.of(pb, nb, K), layer.forward(z));
            Tensor lr = keepDecoder ? F.mse(ae.decode(z), xt) : null;
            // L = L_r + γ·L_c   (DEC-style: L = L_c)
            Tensor loss = keepDecoder ? F.add(lr, F.scale(lc, cfg.gamma())) : lc;
            float l = loss.item();
            if (!Float.isFinite(l)) throw diverged("clustering", "iteration " + it, l);
            loss.backward();
            opt.step();
            sumL += l; sumLc += lc.item(); sumLr += keepDecoder ? lr.item() : 0; counted++;
            listener.batchDone(Phase.CLUSTER, it, b, batches, l);
            it++;
            int every = cfg.checkpointEvery();
            if (out != null && every > 0 && it % every == 0) {
                TensorFile.Builder cb = checkpoint(Phase.CLUSTER, ae).meta("iteration", Integer.toString(it))
                        .meta("sumL", Double.toString(sumL)).meta("sumLc", Double.toString(sumLc))
                        .meta("sumLr", Double.toString(sumLr)).meta("counted", Integer.toString(counted));
                layer.addTo(cb, "layer.");
                opt.saveState(cb, "adam.");
                cb.tensor("p", new int[] {N, K}, p.clone());
                float[] labels = new float[N];
                for (int i = 0; i < N; i++) labels[i] = previous[i];
                cb.tensor("labels", new int[] {N}, labels);
                writeCheckpoint(cb, Phase.CLUSTER, it, ae, layer);
            }
        }
        return new ClusterOutcome(previous, q, it, converged);
    }

    // ------------------------------------------------------------------------------------ checkpoints
    private TensorFile.Builder checkpoint(Phase phase, Autoencoder ae) {
        TensorFile.Builder b = TensorFile.builder().meta("kind", "dcec-checkpoint").meta("phase", phase.id)
                .meta("config", cfg.identity()).meta("data", dataIdentity());
        ae.module().addTo(b, "model.");
        return b;
    }

    /** Writes a checkpoint after checking that every weight is finite (a bad state never replaces a good one). */
    private void writeCheckpoint(TensorFile.Builder b, Phase phase, int counter, Autoencoder ae, ClusteringLayer layer) throws IOException {
        List<Tensor> all = new ArrayList<>(ae.module().parameters());
        if (layer != null) all.add(layer.mu);
        for (Tensor t : all)
            for (float v : t.data)
                if (!Float.isFinite(v)) throw diverged(phase == Phase.PRETRAIN ? "pretraining" : "clustering",
                        (phase == Phase.PRETRAIN ? "epoch " : "iteration ") + counter + " (a weight)", v);
        Path file = out.resolve(CHECKPOINT);
        b.write(file);
        lastCheckpoint = file + " (" + phase.id + ", " + (phase == Phase.PRETRAIN ? "epoch " : "iteration ") + counter + ")";
        listener.checkpointWritten(phase, counter, file);
    }

    private TensorFile readCheckpoint() throws IOException {
        Path file = out.resolve(CHECKPOINT);
        TensorFile f = TensorFile.read(file);
        if (!"dcec-checkpoint".equals(f.meta("kind")))
            throw new IllegalArgumentException("--resume: " + file + " is not a dcec checkpoint");
        if (!cfg.identity().equals(f.meta("config")))
            throw new IllegalArgumentException("--resume: " + file + " was written with other options:\n  checkpoint: " + f.meta("config")
                    + "\n  now:        " + cfg.identity() + "\npass the same options as the killed run");
        if (!dataIdentity().equals(f.meta("data")))
            throw new IllegalArgumentException("--resume: " + file + " was written for other data (" + f.meta("data") + "), now " + dataIdentity());
        return f;
    }

    private String dataIdentity() { return data.name() + " N=" + N + " " + C + "x" + H + "x" + W; }

    private TrainingDivergedException diverged(String phase, String where, float value) {
        return new TrainingDivergedException(String.format(Locale.ROOT,
                "the %s loss became %s at %s: training stopped. Last good checkpoint: %s. "
                        + "Lower --lr (now %s) or check the images; with --checkpoint-every and --resume you can continue from the checkpoint.",
                phase, Float.isNaN(value) ? "NaN" : "infinite", where, lastCheckpoint, cfg.lr()));
    }

    // ------------------------------------------------------------------------------------ outputs
    private DcecResult finish(TrainedModel model, int[] labels, float[] q, int iterations, boolean converged,
                              Map<Phase, Double> seconds) throws IOException {
        Scores s = Scores.of(data.labels(), labels);
        if (out != null) {
            model.save(out.resolve(MODEL));
            writePredictions(out.resolve(PREDICTIONS), labels, Inference.confidence(q, N, K), data.labels());
        }
        return new DcecResult(labels, q, s, model, iterations, converged, seconds);
    }

    /** index,cluster,confidence (and label when the data set has labels). */
    public static void writePredictions(Path file, int[] labels, float[] confidence, int[] truth) throws IOException {
        StringBuilder s = new StringBuilder(truth == null ? "index,cluster,confidence\n" : "index,cluster,confidence,label\n");
        for (int i = 0; i < labels.length; i++) {
            s.append(i).append(',').append(labels[i]).append(',').append(String.format(Locale.ROOT, "%.6f", confidence[i]));
            if (truth != null) s.append(',').append(truth[i]);
            s.append('\n');
        }
        TensorFile.writeAtomically(file, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String configJson() {
        String c = cfg.toJson();
        return c.substring(0, c.lastIndexOf('}')).stripTrailing() + ",\n"
                + "  \"dataset\": \"" + data.name().replace("\\", "\\\\").replace("\"", "\\\"") + "\",\n"
                + "  \"images\": " + N + ",\n"
                + "  \"channels\": " + C + ",\n  \"height\": " + H + ",\n  \"width\": " + W + ",\n"
                + "  \"threads\": " + KernelOptions.threads() + ",\n"
                + "  \"kernels\": \"" + org.dcec4j.engine.kernels.Backend.describe().replace("\"", "'") + "\"\n}\n";
    }
}
