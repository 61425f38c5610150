package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.ImageFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder read by Spark ({@link TrainingData#fromFiles}) gives the images, and their labels, in the single-machine
 * loader's order ({@link ImageFolder#load}) when the names are not plain words: a space, '%', '#', '+', a name that
 * reads like a percent escape, letters beyond ASCII, a backslash, letter case, folders inside a class folder.
 */
class SparkFolderOrderTest {
    static SparkSession spark;
    @TempDir static Path tmp;

    @BeforeAll static void start() { spark = SparkTests.session(); }

    static final int H = 4, W = 4;

    /**
     * Names of files (below a class folder, or at the top) that spell out what Spark's URIs escape or sort differently:
     * 'é' composed (NFC) and decomposed (NFD, e + U+0301), two files for the file system; '😀' (U+1F600, a surrogate pair
     * in UTF-16) sorts before U+FB00 and U+FFFD in String order and after them in UTF-8 byte order.
     */
    static final String[] FILES = {"a b.png", "a%20b.png", "a%2Fb.png", "100%.png", "x#1.png", "p+q.png", "a\\b.png", "a0.png", "a.png", "A.png",
        "b.PNG", "\u00e9.png", "e\u0301.png", "e.png", "f.png", "猫.png", "\uFB00.png", "😀.png", "\uFFFD.png", "sub/z.png", "sub dir/q.png", "sub%20dir/r.png", "é/deep/é.png",
        "sub/deep#1/y.png"};
    /** Class folders: two that percent-decode alike, case, a prefix of another, letters beyond ASCII, and the characters above. */
    static final String[] CLASSES = {"a b", "a%20b", "Cat", "ca", "cat", "é", "猫", "😀", "x#y", "p+q", "100%", "back\\slash", "z"};

    /** Writes image number k (pixel 0 is k, the others a pattern) to file. */
    static void write(Path file, int k) throws IOException {
        float[] x = new float[H * W];
        for (int j = 0; j < x.length; j++) x[j] = (j == 0 ? k : (j * 37 + k * 11) % 256) / 255f;
        SparkTests.writePng(file, x, 0, H, W);
    }

    @Test void classFoldersWithNamesThatAreNotPlainWordsGiveTheLoadersOrderAndLabels() throws IOException {
        Path dir = tmp.resolve("labelled set #1 50% é");
        int k = 0;
        for (String c : CLASSES)
            for (int i = 0; i < FILES.length; i += 1 + (c.length() % 3)) write(dir.resolve(c).resolve(FILES[i]), k++);
        assertSameImages(dir, k);
        assertPredictedInTheLoadersOrder(dir);
    }

    @Test void imagesAtTheTopLevelWithNamesThatAreNotPlainWordsGiveTheLoadersOrder() throws IOException {
        Path dir = tmp.resolve("a%20set");
        int k = 0;
        for (String f : FILES) if (!f.contains("/")) write(dir.resolve(f), k++);
        assertSameImages(dir, k);
        assertPredictedInTheLoadersOrder(dir);
    }

    /**
     * A table's images come in the String order of their ids ("10" before "9"), whatever the order of its rows and
     * partitions: rank r in partition ⌊r·P/N⌋, the partitions in order, each image numbered r and holding its own row's
     * pixels, none left out or read twice. Oracle: the ids sorted by hand. (The rows as {@link ImageSources#table} gives
     * them, id as a string, but made in memory: a first Parquet write took most of this test's time.)
     */
    @Test void aTablesImagesComeInTheStringOrderOfTheirIdsInRankRangePartitions() {
        int N = 23, P = 3;
        List<String> ids = new ArrayList<>();
        for (long i = 0; i < N; i++) ids.add(Long.toString(i));
        java.util.Collections.shuffle(ids, new java.util.Random(5));
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (String id : ids) rows.add(org.apache.spark.sql.RowFactory.create(id, pixels(id)));
        var schema = org.apache.spark.sql.types.DataTypes.createStructType(List.of(
                org.apache.spark.sql.types.DataTypes.createStructField("n", org.apache.spark.sql.types.DataTypes.StringType, false),
                org.apache.spark.sql.types.DataTypes.createStructField(ImageSources.PIXELS,
                        org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType), false)));
        var table = spark.createDataFrame(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 4), schema);
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        List<String> want = new ArrayList<>();
        for (int r = 0; r < N; r++) want.add(r * P / N + " " + r + " " + sorted.get(r) + " " + java.util.Arrays.toString(pixels(sorted.get(r))));
        TrainingData t = TrainingData.fromTable(new ImageSources.Source(table, ImageSources.Kind.PIXELS, "n", "ids"), 1, 2, 2, P);
        try {
            List<String> got = t.blocks().mapPartitionsWithIndex((p, it) -> {
                List<String> out = new ArrayList<>();
                while (it.hasNext()) {
                    ImageBlock b = it.next();
                    for (int i = 0; i < b.n(); i++) {
                        Float[] x = new Float[4];
                        for (int d = 0; d < 4; d++) x[d] = b.x()[i * 4 + d];
                        out.add(p + " " + (b.first() + i) + " " + b.ids()[i] + " " + java.util.Arrays.toString(x));
                    }
                }
                return out.iterator();
            }, true).collect();
            assertEquals(want, got);
            assertEquals(N, t.size());
        } finally {
            t.release();
        }
    }

    /** A table row's pixels, from its id. */
    static Float[] pixels(String id) {
        int n = Integer.parseInt(id);
        return new Float[] {n / 255f, (n * 37 % 256) / 255f, 0.5f, 1f};
    }

    /**
     * A file whose name's bytes this JVM cannot decode (not UTF-8 here; under LANG=C any name beyond ASCII) is left out
     * of Hadoop's local listings, where the loader reads it by its bytes: it is refused, named as the loader names it
     * (U+FFFD for the byte), rather than left out.
     */
    @Test void aFileNameThisJvmCannotDecodeIsRefusedNamingTheFile() throws IOException, InterruptedException {
        Path dir = tmp.resolve("latin-1 name");
        write(dir.resolve("a.png"), 1);
        // "x\351.png": the byte 0xE9 (é in Latin-1) is not UTF-8, and a Java String cannot name it: made by the shell
        Process p = new ProcessBuilder("sh", "-c", "cp a.png \"$(printf 'x\\351.png')\"").directory(dir.toFile()).start();
        assertEquals(0, p.waitFor());
        assertEquals(List.of("a.png", "x\uFFFD.png"), ImageFolder.load(dir, 1, H, W).fileNames());
        org.dcec4j.datasets.DatasetException e = org.junit.jupiter.api.Assertions.assertThrows(org.dcec4j.datasets.DatasetException.class,
                () -> ImageSources.files(spark, dir.toString()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(dir + ": x\uFFFD.png: expected a file name this JVM can decode,"
                + " found bytes that are not UTF-8 text"), e.getMessage());
    }

    /**
     * predict's rows come in the loader's order, dcec predict's on the same folder: by String order of the names, class
     * folders first (Spark read the files largest first, and its own sort of a string column is by UTF-8 bytes).
     */
    static void assertPredictedInTheLoadersOrder(Path dir) throws IOException {
        org.dcec4j.dcec.DcecConfig cfg = org.dcec4j.dcec.DcecConfig.defaults().toBuilder().K(2).filters(2, 2, 4).build();
        byte[] model = new org.dcec4j.dcec.train.TrainedModel(cfg, 1, 16, 16, org.dcec4j.dcec.model.Autoencoder.create(cfg, 1, 16, 16, 1), new float[4]).toBytes();
        ImageSources.Source src = ImageSources.files(spark, dir.toString());
        List<String> got = new ArrayList<>();
        String root = ImageSources.qualified(spark, dir.toString());
        for (org.apache.spark.sql.Row r : SparkInference.run(spark, model, src, SparkInference.Output.PREDICT, false, 5).collectAsList())
            got.add(TrainingData.relative(r.getString(0), root));
        assertEquals(ImageFolder.load(dir, 1, H, W).fileNames(), got);
    }

    /**
     * Image by image, Spark's blocks (on three partitions) hold the loader's pixels and labels, and name each image's
     * file as the loader does; class names alike.
     */
    static void assertSameImages(Path dir, int n) {
        Dataset d = ImageFolder.load(dir, 1, H, W);
        assertEquals(n, d.size());
        TrainingData t = TrainingData.fromFiles(spark, dir.toString(), 1, H, W, 3);
        try {
            assertEquals(d.size(), t.size());
            assertEquals(d.classNames(), t.classNames());
            assertEquals(d.hasLabels() ? d.numClasses() : 0, t.numClasses());
            List<ImageBlock> blocks = new ArrayList<>(t.blocks().collect());
            blocks.sort(Comparator.comparingLong(ImageBlock::first));
            int D = H * W, i = 0;
            for (ImageBlock b : blocks) {
                assertEquals(i, b.first());
                for (int j = 0; j < b.n(); j++, i++) {
                    String what = "image " + i + ": the loader's " + d.fileNames().get(i) + ", Spark's " + b.ids()[j];
                    assertArrayEquals(d.image(i), java.util.Arrays.copyOfRange(b.x(), j * D, (j + 1) * D), what);
                    if (d.hasLabels()) assertEquals(d.labels()[i], b.labels()[j], what);
                    // the file column of predictions.csv: the same name as the loader's
                    assertEquals(d.fileNames().get(i), t.fileOf(b.ids()[j]), what);
                }
            }
            assertEquals(n, i);
        } finally {
            t.release();
        }
    }
}
