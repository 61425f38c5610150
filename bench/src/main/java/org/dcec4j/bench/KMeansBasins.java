package org.dcec4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.cluster.KMeansResult;
import org.dcec4j.dcec.train.Scores;

/**
 * Which local optima ("basins") k-means++ with Lloyd reaches on a trained model's embedding, and how often: a
 * diagnostic for the centre initialisation of DCEC and its relatives, not a benchmark.
 * <p>
 * DCEC initialises its cluster centres with the lowest-inertia result of R restarts (R = 20, as the reference's
 * {@code KMeans(n_init=20)}). This runs {@code restarts} single k-means++ restarts with independent seeds on
 * the embedding of every image of a data set, groups the results whose inertias agree to 2·10⁻⁴ (one basin), and
 * prints per basin how many restarts reached it, its inertia, its cluster sizes and, for a labelled set, the
 * ACC / NMI it would start the clustering from; then p, the share of restarts that reach the lowest basin, and
 * (1 − p)^R, the chance that all R restarts of one run miss it. Labels are only read to score the basins, never
 * to choose one, and a set without labels gets the same table without the scores.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.dcec4j.bench.KMeansBasins \
 *        DATASET DATA_DIR MODEL.dc4j [restarts=100] [R=20] [threads=2]
 * </pre>
 * (positional arguments, the optional ones written name=default)
 * MODEL.dc4j is any saved model, e.g. the {@code model.dc4j} of {@code dcec cluster --method cae-kmeans
 * --weights cae_weights.dc4j} (the pretrained encoder and its k-means centres).
 */
public final class KMeansBasins {
    private KMeansBasins() {}

    /** Relative inertia difference below which two neighbouring results count as one basin. */
    static final double SAME_BASIN = 2e-4;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KMeansBasins DATASET DATA_DIR MODEL.dc4j [restarts=100] [R=20] [threads=2]");
            System.exit(2);
        }
        int restarts = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int R = args.length > 4 ? Integer.parseInt(args[4]) : KMeans.DEFAULT_RESTARTS;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        if (restarts < 1 || R < 1 || threads < 1)
            throw new IllegalArgumentException("restarts, R and threads must be at least 1, got " + restarts + ", " + R + ", " + threads);
        Dataset data = Datasets.load(args[0], DataSource.fromEnvironment(Path.of(args[1])));
        DcecModel model = DcecModel.load(Path.of(args[2]));
        if (model.channels() != data.channels() || model.height() != data.height() || model.width() != data.width())
            throw new IllegalArgumentException(args[2] + " takes " + model.channels() + "×" + model.height() + "×" + model.width()
                    + " images; " + args[0] + " has " + data.channels() + "×" + data.height() + "×" + data.width());
        float[][] z = model.embed(data.images(), data.size());
        int N = z.length, D = model.embeddingSize(), K = model.clusters();
        float[] x = new float[N * D];
        for (int n = 0; n < N; n++) System.arraycopy(z[n], 0, x, n * D, D);

        Run[] runs = new Run[restarts];
        for (int i = 0; i < restarts; i++) {
            KMeansResult r = new KMeans(K).withRestarts(1).withSeed(i).withThreads(threads).fit(x, N, D);
            Scores scores = data.hasLabels() ? Scores.of(data.labels(), r.labels()) : null;
            runs[i] = new Run(r.inertia(), scores, sizes(r.labels(), K));
        }
        List<List<Run>> basins = basins(runs);
        System.out.printf(Locale.ROOT, "%s, %d images, embedding %d, K = %d: %d single k-means++ restarts (seeds 0..%d)%n",
                args[0], N, D, K, restarts, restarts - 1);
        System.out.println("basin  restarts  inertia (min–max)       ACC     NMI     cluster sizes (largest first)");
        for (int b = 0; b < basins.size(); b++) {
            List<Run> basin = basins.get(b);
            Run first = basin.get(0), last = basin.get(basin.size() - 1);
            String scores = first.scores == null ? "     –       –"
                    : String.format(Locale.ROOT, "%.4f  %.4f", first.scores.acc(), first.scores.nmi());
            System.out.printf(Locale.ROOT, "%5d  %8d  %10.1f–%-10.1f  %s  %s%n", b + 1, basin.size(), first.inertia,
                    last.inertia, scores, Arrays.toString(first.sizes));
        }
        double p = basins.get(0).size() / (double) restarts;
        System.out.printf(Locale.ROOT, "p = %.2f of the restarts reach the lowest basin; all %d restarts of one run miss it with "
                + "probability (1 − p)^%d = %.2g%n", p, R, R, Math.pow(1 - p, R));
    }

    /** One single-restart result; scores is null for a set without labels. */
    record Run(double inertia, Scores scores, int[] sizes) {}

    /** Sorts by inertia and cuts where neighbours differ by more than {@link #SAME_BASIN} relatively. */
    static List<List<Run>> basins(Run[] runs) {
        Run[] sorted = runs.clone();
        Arrays.sort(sorted, Comparator.comparingDouble(Run::inertia));
        List<List<Run>> basins = new ArrayList<>();
        List<Run> current = null;
        for (Run r : sorted) {
            if (current == null || r.inertia - current.get(current.size() - 1).inertia > SAME_BASIN * r.inertia) {
                current = new ArrayList<>();
                basins.add(current);
            }
            current.add(r);
        }
        return basins;
    }

    static int[] sizes(int[] labels, int K) {
        int[] counts = new int[K];
        for (int l : labels) counts[l]++;
        return Arrays.stream(counts).boxed().sorted(Comparator.reverseOrder()).mapToInt(Integer::intValue).toArray();
    }
}
