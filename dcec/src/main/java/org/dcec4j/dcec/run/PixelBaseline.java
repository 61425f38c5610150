package org.dcec4j.dcec.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.cluster.KMeansResult;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.Seeds;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.OutputFiles;

/**
 * The yardstick of a run on a labelled set: k-means on the raw pixels with the run's K and k-means restarts (the
 * paper's "k-means" row), scored against the labels. It runs after training, on its own seed
 * {@code Seeds.derive(seed, Seeds.BASELINE, 0)}, and reads only the images: it cannot change the run's results.
 * {@code baseline.json} in the run folder keeps it for the report.
 *
 * <p>It costs about R restarts × (a few dozen Lloyd passes) × N·D·K multiply-adds, so the command line runs it by
 * itself only when N·D·K·R is at most {@link #AUTO_LIMIT} (docs/usage.md#baseline).
 *
 * @param scores   ACC, NMI and ARI of the k-means labels
 * @param K        clusters
 * @param restarts k-means++ restarts, lowest inertia kept
 * @param seed     the run's seed (the baseline's own stream is derived from it)
 * @param inertia  the sum of squared distances of the pixels to their centres
 * @param seconds  wall time of the k-means
 */
public record PixelBaseline(Scores scores, int K, int restarts, long seed, double inertia, double seconds) {
    /** The file in the run folder. */
    public static final String FILE = "baseline.json";
    /**
     * The largest N·D·K·R for which the command line computes the baseline unasked: 2·10^9, about 10 s on 2
     * cores (4,000 shapes with K = 10 and 20 restarts are 0.63·10^9; MNIST-test 1.57·10^9; 70,000 MNIST 11·10^9).
     */
    public static final double AUTO_LIMIT = 2e9;

    /** N·D·K·R of a run: the size of the work that {@link #AUTO_LIMIT} bounds. */
    public static double work(Dataset data, DcecConfig cfg) {
        return (double) data.size() * data.imageSize() * cfg.K() * cfg.kmeansRestarts();
    }

    /** Whether the baseline is cheap enough to compute unasked: a labelled set and {@link #work} ≤ {@link #AUTO_LIMIT}. */
    public static boolean cheap(Dataset data, DcecConfig cfg) {
        return data.hasLabels() && work(data, cfg) <= AUTO_LIMIT;
    }

    /**
     * k-means with cfg's K and restarts on the pixels of {@code data}, on {@code threads} threads (the result is
     * the same for any count).
     *
     * @throws IllegalArgumentException if the set has no labels
     */
    public static PixelBaseline compute(Dataset data, DcecConfig cfg, int threads) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(data.name() + " has no labels: the pixel k-means baseline is scored against them");
        }
        long t0 = System.nanoTime();
        KMeansResult km = new KMeans(cfg.K()).withRestarts(cfg.kmeansRestarts())
                .withSeed(Seeds.derive(cfg.seed(), Seeds.BASELINE, 0)).withThreads(threads)
                .fit(data.images(), data.size(), data.imageSize());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new PixelBaseline(Scores.of(data.labels(), km.labels()), cfg.K(), cfg.kmeansRestarts(), cfg.seed(), km.inertia(), seconds);
    }

    /** baseline.json: what ran, its scores and its time, one key a line. */
    public String toJson() {
        return String.format(Locale.ROOT, """
                {
                  "method": "k-means on the raw pixels",
                  "clusters": %d,
                  "restarts": %d,
                  "seed": %d,
                  "seed_stream": %d,
                  "acc": %s,
                  "nmi": %s,
                  "ari": %s,
                  "inertia": %s,
                  "seconds": %.3f
                }
                """, K, restarts, seed, Seeds.BASELINE, scores.acc(), scores.nmi(), scores.ari(), inertia, seconds);
    }

    /** Writes {@link #FILE} into the run folder (atomically). */
    public Path write(Path runFolder) throws IOException {
        Path file = runFolder.resolve(FILE);
        OutputFiles.writeAtomically(file, toJson().getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
