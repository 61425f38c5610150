package org.dcec4j.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.Dcec;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.engine.Backend;

/** What the Spark tests share: an in-process session, small trained models, image folders written as PNG files. */
final class SparkTests {
    private SparkTests() {}

    /**
     * A session on two local cores with two attempts per task ({@code local[2,2]}: a task that fails once is retried),
     * quiet, with few shuffle partitions. Shared by the test classes of the run (never stopped: the JVM's exit ends it): starting one takes 10-15 s here.
     */
    static SparkSession session() {
        return SparkSession.builder().master("local[2,2]").appName("dcec4j-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "3")
                // several file partitions even for a few kilobytes of PNGs
                .config("spark.sql.files.maxPartitionBytes", "8192")
                .config("spark.sql.files.openCostInBytes", "1024")
                .getOrCreate();
    }

    /** A quickly trained DCEC model (small CAE, one pretraining epoch, a few clustering iterations). */
    static DcecModel model(Dataset data, int K) {
        try (Backend b = Backend.create(Backend.Kind.AUTO, 2)) {
            Dcec dcec = Dcec.builder().clusters(K).filters(8, 8, 16).pretrainEpochs(1).batchSize(32).maxIterations(12).updateInterval(6)
                    .kmeansRestarts(2).seed(3).backend(b).build();
            return DcecModel.load(dcec.fit(data).toBytes(), Backend.create(Backend.Kind.AUTO, 1));
        }
    }

    /** Writes image n of {@code data} as 8-bit grey PNG dir/[class/]name; values round to k/255. */
    static Path writePng(Path file, float[] x, int off, int H, int W) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++)
            for (int c = 0; c < W; c++)
                img.getRaster().setSample(c, y, 0, Math.round(x[off + y * W + c] * 255f));
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
        return file;
    }

    /** The shapes images as PNG files in class folders "c0".."c9", names i%05d.png. */
    static void writeFolder(Path dir, Dataset data) throws IOException {
        int D = data.imageSize();
        for (int i = 0; i < data.size(); i++)
            writePng(dir.resolve("c" + data.labels()[i]).resolve(String.format("i%05d.png", i)), data.images(), i * D, data.height(), data.width());
    }
}
