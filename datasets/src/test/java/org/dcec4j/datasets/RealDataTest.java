package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real data sets, checked against their published properties: counts, shapes, value ranges, label
 * histograms. Runs when DCEC4J_DATA is set (a folder laid out as in docs/datasets.md#layout); Fashion-MNIST
 * when Debian's package is installed. Never downloads.
 */
class RealDataTest {
    static final int[] MNIST_TRAIN = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    static final int[] MNIST_TEST = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    static final int[] USPS_TRAIN = {1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644};
    static final int[] USPS_TEST = {359, 264, 198, 166, 200, 160, 170, 147, 166, 177};

    @TempDir
    Path tmp;

    private static Path data() {
        String d = System.getenv(DataSource.ENV_DATA);
        assumeTrue(d != null && Files.isDirectory(Path.of(d)), "DCEC4J_DATA is not set: real-data tests skipped");
        return Path.of(d);
    }

    private DataSource offline() {
        return DataSource.of(List.of(data()), tmp.resolve("cache"));
    }

    private static int[] sum(int[] a, int[] b) {
        int[] s = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /** min, max, mean of all values. */
    private static double[] stats(float[] x) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double s = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            s += v;
        }
        return new double[] {min, max, s / x.length};
    }

    /**
     * A handwritten 1 is a tall thin stroke: in the mean image of class 1 the ink spreads much further vertically than
     * horizontally about its centre, and class 1 has the least ink of the ten classes. Measured on the files with numpy,
     * not with this reader: the vertical and horizontal variances of class 1's mean image are 30.8 and 5.8 pixels² for
     * MNIST (70,000) and 19.2 and 0.9 for USPS (9,298); its mean pixel 0.076 (MNIST) and 0.150 (USPS), the next class's
     * 0.115 and 0.210. A reader that transposed the images would give the variances the other way round, one that paired
     * images with the wrong labels a class 1 like the average digit (about 2:1, and not the least ink).
     */
    private static void onesAreTallThinAndHaveTheLeastInk(Dataset d) {
        int D = d.imageSize();
        double[] ink = new double[10];
        int[] count = d.labelCounts();
        for (int n = 0; n < d.size(); n++) {
            for (int i = 0; i < D; i++) {
                ink[d.labels()[n]] += d.images()[n * D + i];
            }
        }
        for (int k = 0; k < 10; k++) {
            ink[k] /= (double) count[k] * D;
        }
        for (int k = 0; k < 10; k++) {
            assertTrue(k == 1 || ink[1] < ink[k], d.name() + ": class 1 has mean pixel " + ink[1] + ", class " + k + " " + ink[k]);
        }
        double[] s = spread(d, 1);
        assertTrue(s[0] > 3 * s[1], d.name() + ": class 1's ink spreads " + s[0] + " pixels² vertically, " + s[1] + " horizontally");
    }

    /** {vertical, horizontal} variance of the ink of class {@code k}'s images about its centre, in pixels². */
    private static double[] spread(Dataset d, int k) {
        int H = d.height(), W = d.width(), D = d.imageSize();
        double[] row = new double[H], col = new double[W];
        for (int n = 0; n < d.size(); n++) {
            if (d.labels()[n] != k) {
                continue;
            }
            for (int i = 0; i < D; i++) {
                row[i / W] += d.images()[n * D + i];
                col[i % W] += d.images()[n * D + i];
            }
        }
        return new double[] {variance(row), variance(col)};
    }

    /** The variance of the position, weighted by mass[position]. */
    private static double variance(double[] mass) {
        double total = 0, mean = 0, second = 0;
        for (int i = 0; i < mass.length; i++) {
            total += mass[i];
            mean += i * mass[i];
        }
        mean /= total;
        for (int i = 0; i < mass.length; i++) {
            second += (i - mean) * (i - mean) * mass[i];
        }
        return second / total;
    }

    @Test
    void mnist() {
        long t0 = System.nanoTime();
        Dataset d = Datasets.load("mnist", offline());
        System.out.printf("mnist: loaded in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(70_000, d.size());
        assertEquals(1, d.channels());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        assertArrayEquals(sum(MNIST_TRAIN, MNIST_TEST), d.labelCounts());
        double[] s = stats(d.images());
        assertEquals(0.0, s[0]);
        assertEquals(1.0, s[1]);
        // train then test: the last 10,000 labels are the test histogram
        int[] tail = new int[10];
        for (int n = 60_000; n < 70_000; n++) {
            tail[d.labels()[n]]++;
        }
        assertArrayEquals(MNIST_TEST, tail);
        // published facts, independent of this reader: the first ten labels of the training and test files (the
        // "5 0 4 1 9 ..." that MNIST tutorials print), and the mean and standard deviation of the 60,000 training images'
        // pixels, (0.1307, 0.3081) to four digits, with which PyTorch's MNIST example normalises its inputs
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOfRange(d.labels(), 0, 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOfRange(d.labels(), 60_000, 60_010));
        double sum = 0, sumSq = 0;
        for (int i = 0; i < 60_000 * 784; i++) {
            sum += d.images()[i];
            sumSq += (double) d.images()[i] * d.images()[i];
        }
        double mean = sum / (60_000 * 784.0);
        assertEquals(0.1307, mean, 5e-5, "mean pixel of the training images");
        assertEquals(0.3081, Math.sqrt(sumSq / (60_000 * 784.0) - mean * mean), 5e-5, "standard deviation of the training pixels");
        onesAreTallThinAndHaveTheLeastInk(d);
        Dataset test = Datasets.load("mnist-test", offline());
        assertEquals(10_000, test.size());
        assertArrayEquals(MNIST_TEST, test.labelCounts());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), test.classNames());
        assertArrayEquals(test.image(1234), d.image(61_234));
    }

    @Test
    void uspsFromJfAndFromEslAreIdentical() throws IOException {
        Dataset jf = Datasets.load("usps", offline());
        assertEquals(9_298, jf.size());
        assertEquals("7", jf.className(7));
        assertEquals(16, jf.height());
        assertEquals(16, jf.width());
        assertArrayEquals(sum(USPS_TRAIN, USPS_TEST), jf.labelCounts());
        double[] s = stats(jf.images());
        assertEquals(0.0, s[0]);
        assertEquals(1.0, s[1]);
        // README: .jf means 0.509 (train) and 0.535 (test) in [0, 2], so about 0.26 after /2
        assertEquals((0.509 * 7291 + 0.535 * 2007) / 9298 / 2, s[2], 0.002);
        onesAreTallThinAndHaveTheLeastInk(jf);
        // a folder holding only the ESL files gives the same floats
        Path esl = tmp.resolve("esl");
        Files.createDirectories(esl.resolve("usps"));
        for (String f : List.of("zip.train.gz", "zip.test.gz")) {
            Files.copy(data().resolve("usps").resolve(f), esl.resolve("usps").resolve(f));
        }
        Dataset z = Datasets.load("usps", DataSource.of(List.of(esl), tmp.resolve("cache")));
        assertArrayEquals(jf.labels(), z.labels());
        assertArrayEquals(jf.images(), z.images());
    }

    @Test
    void fashionMnistFromDebian() {
        assumeTrue(Files.isDirectory(DataSource.DEBIAN_FASHION_MNIST), "dataset-fashion-mnist is not installed");
        DataSource s = DataSource.of(List.of(), tmp.resolve("cache"))
                .withExtraDirs("fashion-mnist", List.of(DataSource.DEBIAN_FASHION_MNIST));
        Dataset d = Datasets.load("fashion-mnist", s);
        assertEquals(70_000, d.size());
        assertEquals(28, d.height());
        int[] sevenThousand = new int[10];
        java.util.Arrays.fill(sevenThousand, 7000);
        assertArrayEquals(sevenThousand, d.labelCounts());
        assertEquals("Ankle boot", d.className(9));
        double[] st = stats(d.images());
        assertEquals(0.0, st[0]);
        assertEquals(1.0, st[1]);
        // published facts, independent of this reader: the first training and the first test image are ankle boots
        // (TensorFlow's Fashion-MNIST tutorial shows both), the 60,000 training images' pixels have mean 0.2860 and
        // standard deviation 0.3530 (the usual normalisation constants)
        assertEquals(9, d.labels()[0]);
        assertEquals(9, d.labels()[60_000]);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < 60_000 * 784; i++) {
            sum += d.images()[i];
            sumSq += (double) d.images()[i] * d.images()[i];
        }
        double mean = sum / (60_000 * 784.0);
        assertEquals(0.2860, mean, 5e-5, "mean pixel of the training images");
        assertEquals(0.3530, Math.sqrt(sumSq / (60_000 * 784.0) - mean * mean), 5e-5, "standard deviation of the training pixels");
        // trousers are tall, sneakers wide: the variances of the mean image's ink about its centre, vertical and horizontal,
        // are 60.3 and 10.7 pixels² for class 1 and 10.2 and 45.6 for class 7 (measured with numpy on the files); a
        // transposed reader swaps them
        double[] trouser = spread(d, 1), sneaker = spread(d, 7);
        assertTrue(trouser[0] > 3 * trouser[1], "Trouser: " + Arrays.toString(trouser));
        assertTrue(sneaker[1] > 3 * sneaker[0], "Sneaker: " + Arrays.toString(sneaker));
        for (String f : Datasets.filesOf("fashion-mnist")) {
            Path p = s.locate("fashion-mnist", f);
            assertTrue(Checksums.verify(p, KnownFile.find("fashion-mnist", f)).ok(), f);
        }
    }

    @Test
    void everyLocalCopyMatchesTheBuiltInTable() {
        DataSource s = offline();
        for (KnownFile k : KnownFile.ALL) {
            if (k.dir().equals("fashion-mnist")) {
                continue;
            }
            Path p = s.locate(k.dir(), k.name());
            assertTrue(p != null, k.path());
            assertTrue(Checksums.verify(p, k).ok(), k.path());
        }
    }

    /** usps loads from the ESL pair alone, so `datasets verify usps` passes with it (it exited 1: the .jf pair missing). */
    @Test
    void verifyUspsWithOnlyTheEslPair() throws IOException {
        Path usps = Files.createDirectories(tmp.resolve("data").resolve("usps"));
        for (String f : List.of("zip.train.gz", "zip.test.gz")) {
            Files.copy(data().resolve("usps").resolve(f), usps.resolve(f));
        }
        assertEquals(9298, Datasets.load("usps", DataSource.of(List.of(tmp.resolve("data")), tmp.resolve("cache"))).size());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = org.dcec4j.datasets.cli.DatasetsCommand.run(new String[] {"--data-dir", tmp.resolve("data").toString(), "verify", "usps"},
                print, print, Map.of("DCEC4J_OFFLINE", "1"), tmp.resolve("home"));
        assertEquals(0, code, out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void downloadOfTheRealFilesFromALocalMirror() throws IOException {
        Path mnist = data().resolve("mnist");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/m/", x -> {
            Path f = mnist.resolve(Path.of(x.getRequestURI().getPath()).getFileName().toString());
            byte[] body = Files.readAllBytes(f);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            Path home = tmp.resolve("home");
            DataSource s = DataSource.fromEnvironment(null, Map.of(), home)
                    .withMirrors("mnist", List.of("http://127.0.0.1:" + server.getAddress().getPort() + "/m/"))
                    .withTimeout(Duration.ofSeconds(10)).withProgress(null);
            Dataset d = Datasets.load("mnist-test", s);
            assertArrayEquals(MNIST_TEST, d.labelCounts());
            try (Stream<Path> files = Files.list(home.resolve(".cache/dcec4j/mnist"))) {
                assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        } finally {
            server.stop(0);
        }
    }
}
