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

    /** Names of files (below a class folder, or at the top) that spell out what Spark's URIs escape or sort differently. */
    static final String[] FILES = {"a b.png", "a%20b.png", "a%2Fb.png", "100%.png", "x#1.png", "p+q.png", "a\\b.png", "a0.png", "a.png", "A.png",
        "b.PNG", "é.png", "e.png", "f.png", "猫.png", "😀.png", "\uFFFD.png", "sub/z.png", "sub dir/q.png", "sub%20dir/r.png", "é/deep/é.png",
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
    }

    @Test void imagesAtTheTopLevelWithNamesThatAreNotPlainWordsGiveTheLoadersOrder() throws IOException {
        Path dir = tmp.resolve("a%20set");
        int k = 0;
        for (String f : FILES) if (!f.contains("/")) write(dir.resolve(f), k++);
        assertSameImages(dir, k);
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
