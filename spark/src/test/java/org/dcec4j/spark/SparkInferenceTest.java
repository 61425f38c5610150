package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.ImageFolder;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed predict and embed give the single-machine model's labels, q and z, bit for bit. */
class SparkInferenceTest {
    static SparkSession spark;
    static DcecModel model;
    @TempDir static Path tmp;
    static Path folder;
    static Dataset loaded;

    @BeforeAll static void start() throws IOException {
        spark = SparkTests.session();
        Dataset shapes = Shapes.generate(150, 5, 28);
        model = SparkTests.model(shapes, 4);
        folder = tmp.resolve("images");
        SparkTests.writeFolder(folder, shapes);
        // two images that the loader resizes and converts: a 40x36 colour one, a 16x16 grey one
        BufferedImage rgb = new BufferedImage(36, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 36; x++) rgb.setRGB(x, y, (x * 7 << 16) | (y * 5 << 8) | ((x + y) * 3 & 0xFF));
        ImageIO.write(rgb, "png", folder.resolve("c0/zz-colour.PNG").toFile());
        BufferedImage small = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) small.getRaster().setSample(x, y, 0, (x * y) & 0xFF);
        ImageIO.write(small, "png", folder.resolve("c1/zz-small.png").toFile());
        Files.writeString(folder.resolve("c1/notes.txt"), "not an image");
        loaded = ImageFolder.load(folder, 1, 28, 28);
    }

    /** The single-machine result for every image of the folder, keyed by file name (loader order = sorted paths). */
    static Map<String, Integer> singleIndex() throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(folder)) {
            s.filter(p -> p.toString().toLowerCase().endsWith(".png")).forEach(files::add);
        }
        // the loader's order: class folders by name, then relative paths
        files.sort((a, b) -> folder.relativize(a).toString().compareTo(folder.relativize(b).toString()));
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < files.size(); i++) index.put(files.get(i).getFileName().toString(), i);
        assertEquals(loaded.size(), files.size());
        return index;
    }

    static String name(String uri) { return uri.substring(uri.lastIndexOf('/') + 1); }

    @Test void predictGivesTheSingleMachineLabelsAndQBitForBit() throws IOException {
        Map<String, Integer> index = singleIndex();
        int K = model.clusters();
        int[] labels = model.predict(loaded);
        float[][] q = model.predictProba(loaded.images(), loaded.size());
        ImageSources.Source src = ImageSources.files(spark, folder.toString());
        // a batch of 7: other neighbours in every forward pass than the single machine's 256
        List<Row> rows = SparkInference.run(spark, model.toBytes(), src, SparkInference.Output.PREDICT, true, 7).collectAsList();
        assertEquals(loaded.size(), rows.size());
        assertTrue(src.rows().javaRDD().getNumPartitions() > 1, "several partitions");
        for (Row r : rows) {
            int i = index.get(name(r.getString(0)));
            assertEquals(labels[i], r.getInt(1), r.getString(0));
            List<Float> qi = r.getList(3);
            for (int j = 0; j < K; j++)
                assertEquals(Float.floatToRawIntBits(q[i][j]), Float.floatToRawIntBits(qi.get(j)), r.getString(0) + " q" + j);
            float best = q[i][0];
            for (int j = 1; j < K; j++) best = Math.max(best, q[i][j]);
            assertEquals(Float.floatToRawIntBits(best), Float.floatToRawIntBits(r.getFloat(2)));
        }
    }

    /**
     * Each task holds a batch of the batch size, however few images its partition has: a batch size whose batch (or a
     * layer's output for it) is more than one array holds is refused on the driver, naming the largest that fits.
     * Before, B·C·H·W wrapped ((2^31 − 1)·784 is −784 in ints) and every task failed with a NegativeArraySizeException.
     */
    @Test void aBatchSizeLargerThanAnArrayIsRefusedBeforeAnyTask() {
        byte[] bytes = model.toBytes();
        int most = org.dcec4j.dcec.train.TrainedModel.parse(bytes, "model").largestBatch();
        assertTrue(most > 1000 && most < Integer.MAX_VALUE / 784, "largest batch " + most);
        for (int B : new int[] {Integer.MAX_VALUE, most + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkInference.run(spark, bytes,
                    ImageSources.files(spark, folder.toString()), SparkInference.Output.PREDICT, false, B));
            assertTrue(e.getMessage().startsWith("batchSize " + B + ": a batch of 1x28x28 images"), e.getMessage());
            assertTrue(e.getMessage().contains("use at most " + most + " "), e.getMessage());
        }
    }

    @Test void embedGivesTheSingleMachineEmbeddingsBitForBit() throws IOException {
        Map<String, Integer> index = singleIndex();
        float[][] z = model.embed(loaded.images(), loaded.size());
        List<Row> rows = SparkInference.run(spark, model.toBytes(), ImageSources.files(spark, folder.toString()), SparkInference.Output.EMBED, false, 256)
                .collectAsList();
        for (Row r : rows) {
            int i = index.get(name(r.getString(0)));
            List<Float> zi = r.getList(3);
            float[] got = new float[zi.size()];
            for (int j = 0; j < got.length; j++) got[j] = zi.get(j);
            assertArrayEquals(z[i], got, 0f, r.getString(0));
        }
    }

    @Test void aParquetTableOfPixelsGivesTheSameAsTheFiles() {
        List<Row> pixels = new ArrayList<>();
        int D = loaded.imageSize();
        for (int i = 0; i < loaded.size(); i++) {
            Double[] v = new Double[D];                               // doubles are accepted and narrowed
            for (int d = 0; d < D; d++) v[d] = (double) loaded.images()[i * D + d];
            pixels.add(RowFactory.create((long) i, v));
        }
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("n", DataTypes.LongType, false),
                DataTypes.createStructField("img", DataTypes.createArrayType(DataTypes.DoubleType), false)));
        String table = tmp.resolve("table.parquet").toString();
        spark.createDataFrame(pixels, schema).repartition(3).write().parquet(table);
        int[] labels = model.predict(loaded);
        List<Row> rows = SparkInference.run(spark, model.toBytes(), ImageSources.table(spark, table, "n", "img"), SparkInference.Output.PREDICT, false, 256)
                .collectAsList();
        assertEquals(loaded.size(), rows.size());
        for (Row r : rows) assertEquals(labels[Integer.parseInt(r.getString(0))], r.getInt(1), "row " + r.getString(0));
        // a wrong column is named with the columns there are
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.table(spark, table, "n", "pixels"));
        assertTrue(e.getMessage().contains("no column 'pixels'") && e.getMessage().contains("img"), e.getMessage());
    }

    /**
     * The training set's partitions are contiguous rank ranges fixed by N and --partitions: the same whatever splits the
     * file reader made (here one input split, then many). sortByKey's sampled bounds gave [462, 538] on local[1] and
     * [412, 588] on local[2] for one folder at --partitions 2, and so other training results.
     */
    @Test void trainingPartitionsAreRankRangesWhateverTheInputSplits() {
        String before = spark.conf().get("spark.sql.files.maxPartitionBytes"), cost = spark.conf().get("spark.sql.files.openCostInBytes");
        try {
            for (int partitions : new int[] {2, 7}) {
                List<String> seen = null;
                for (String maxBytes : new String[] {"1073741824", "2048"}) {
                    spark.conf().set("spark.sql.files.maxPartitionBytes", maxBytes);
                    spark.conf().set("spark.sql.files.openCostInBytes", maxBytes.equals("2048") ? "1" : cost);
                    TrainingData d = TrainingData.fromFiles(spark, folder.toString(), 1, 28, 28, partitions);
                    int N = d.size();
                    List<String> got = d.blocks().mapPartitionsWithIndex((p, it) -> {
                        List<String> out = new ArrayList<>();
                        while (it.hasNext()) { ImageBlock b = it.next(); out.add(p + "|" + b.first() + "|" + b.n() + "|" + b.ids()[0]); }
                        return out.iterator();
                    }, true).collect();
                    int[] want = new int[partitions];
                    for (long r = 0; r < N; r++) want[(int) (r * partitions / N)]++;
                    int[] sizes = new int[partitions];
                    for (String g : got) {
                        String[] f = g.split("\\|");
                        sizes[Integer.parseInt(f[0])] += Integer.parseInt(f[2]);
                    }
                    assertArrayEquals(want, sizes, "partition sizes at " + partitions + " partitions, maxPartitionBytes " + maxBytes);
                    if (seen != null) assertEquals(seen, got, "the same blocks in the same partitions");
                    seen = got;
                    d.release();
                }
            }
        } finally {
            spark.conf().set("spark.sql.files.maxPartitionBytes", before);
            spark.conf().set("spark.sql.files.openCostInBytes", cost);
        }
    }

    /** Two rows with one id: which image a prediction means, and their order, would be open; refused, naming the id. */
    @Test void aTableWithARepeatedIdIsRefused() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) rows.add(RowFactory.create(i == 4 ? "img-2" : "img-" + i, new Float[] {0.5f, 0.25f, 0f, 1f}));
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType), false)));
        String table = tmp.resolve("repeated.parquet").toString();
        spark.createDataFrame(rows, schema).write().parquet(table);
        DatasetException e = assertThrows(DatasetException.class,
                () -> TrainingData.fromTable(ImageSources.table(spark, table, "id", "pixels"), 1, 2, 2, 2));
        assertTrue(e.getMessage().contains("id 'img-2' names 2 rows"), e.getMessage());
    }

    /**
     * A table's pixels are checked as stored: a double of 1e300 is named as such (it was narrowed to float first and
     * reported as Infinity), one just above 1 is refused (it was narrowed to 1 and accepted), a wrong length names the
     * size asked for.
     */
    @Test void aTablesPixelsAreCheckedAsStored() {
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.DoubleType), false)));
        String[][] cases = {{"1.0E300", "pixel 2", "1.0E300"}, {"1.0000000001", "pixel 2", "1.0000000001"}};
        for (String[] c : cases) {
            String table = tmp.resolve("stored-" + c[0] + ".parquet").toString();
            spark.createDataFrame(List.of(RowFactory.create("a", new Double[] {0.5, 0.25, Double.parseDouble(c[0]), 1.0})), schema)
                    .write().parquet(table);
            DatasetException e = SparkErrors.datasetCause(assertThrows(Exception.class,
                    () -> TrainingData.fromTable(ImageSources.table(spark, table, "id", "pixels"), 1, 2, 2, 1)));
            assertTrue(e != null && e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]) && !e.getMessage().contains("Infinity"),
                    String.valueOf(e));
            // the table, the row's id and its Parquet file (before: "a: at pixel 2: …", the id alone)
            assertTrue(e.getMessage().startsWith(table + ": row 'a' in file:") && e.getMessage().contains(".parquet/part-"), e.getMessage());
        }
        String table = tmp.resolve("stored-short.parquet").toString();
        spark.createDataFrame(List.of(RowFactory.create("a", new Double[] {0.5, 0.25, 0.0})), schema).write().parquet(table);
        DatasetException e = SparkErrors.datasetCause(assertThrows(Exception.class,
                () -> TrainingData.fromTable(ImageSources.table(spark, table, "id", "pixels"), 1, 2, 2, 1)));
        assertTrue(e != null && e.getMessage().contains("--channels and --image-size when training"), String.valueOf(e));
    }

    /** A row without an id is refused at load, with the number of such rows and the Parquet file of the first. */
    @Test void aTableRowWithoutAnIdIsNamedByItsFile() {
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, true),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType), false)));
        String table = tmp.resolve("null-ids.parquet").toString();
        Float[] px = {0.5f, 0.25f, 0f, 1f};
        spark.createDataFrame(List.of(RowFactory.create("a", px), RowFactory.create(null, px), RowFactory.create(null, px)), schema)
                .coalesce(1).write().parquet(table);
        DatasetException e = assertThrows(DatasetException.class, () -> ImageSources.table(spark, table, "id", "pixels"));
        assertTrue(e.getMessage().contains("2 rows have no id (column 'id' is null), the first in ")
                && e.getMessage().contains("null-ids.parquet/part-"), e.getMessage());
    }

    @Test void aFailedTaskIsRetriedWithoutChangingTheResult() {
        ImageSources.Source src = ImageSources.files(spark, folder.toString());
        List<Row> expected = SparkInference.run(spark, model.toBytes(), src, SparkInference.Output.PREDICT, true, 16).sort("path").collectAsList();
        // the first attempt of partition 0 throws after reading its first row; local[2,2] runs a second attempt
        var failing = src.rows().mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it -> {
            TaskContext t = TaskContext.get();
            if (t.partitionId() == 0 && t.attemptNumber() == 0 && it.hasNext()) {
                it.next();
                throw new IllegalStateException("injected failure of the first attempt");
            }
            return it;
        }, Encoders.row(src.rows().schema()));
        ImageSources.Source flaky = new ImageSources.Source(failing, src.kind(), src.idColumn(), src.description());
        List<Row> got = SparkInference.run(spark, model.toBytes(), flaky, SparkInference.Output.PREDICT, true, 16).sort("path").collectAsList();
        assertEquals(expected, got);
    }

    /**
     * A folder named like a glob pattern is read as the folder it names (it was "not found"), and a file name with a
     * quote and a comma comes back from the CSV as one field (Spark's default escaped the quote with a backslash, which
     * RFC 4180 readers do not undo).
     */
    /**
     * --overwrite replaces an earlier output, not any folder: Spark's Overwrite deleted the whole path first, so an output
     * pointed at a folder of the user's (the images' own, the home folder) or at a file was deleted with everything in it.
     */
    @Test void overwriteReplacesOnlyAnEarlierOutput() throws IOException {
        org.apache.spark.sql.Dataset<Row> result = SparkInference.run(spark, model.toBytes(), ImageSources.files(spark, folder.toString()),
                SparkInference.Output.PREDICT, false, 256);
        Path mine = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkInference.write(result, mine.toString(), SparkInference.Format.PARQUET, true, 4));
        assertEquals(mine + " holds thesis.tex, which no Spark output holds: --overwrite replaces only the folder of an earlier"
                + " output (part files, _SUCCESS), deleting everything in it; choose another output, or remove it yourself", e.getMessage());
        assertEquals("years of work", Files.readString(mine.resolve("thesis.tex")));
        Path file = Files.writeString(tmp.resolve("model-copy.dc4j"), "a file");
        e = assertThrows(IllegalArgumentException.class, () -> SparkInference.write(result, file.toString(), SparkInference.Format.CSV, true, 4));
        assertEquals(file + " is a file, not a folder: an output is a folder (of Spark's part files); choose another output", e.getMessage());
        assertEquals("a file", Files.readString(file));
        // an earlier output (part files, _SUCCESS and their .crc files) is replaced
        Path out = tmp.resolve("again.parquet");
        SparkInference.write(result, out.toString(), SparkInference.Format.PARQUET, false, 4);
        SparkInference.write(result, out.toString(), SparkInference.Format.PARQUET, true, 4);
        assertEquals(loaded.size(), spark.read().parquet(out.toString()).count());
    }

    @Test void aGlobLikeFolderAndQuotedFileNamesAreReadAndWrittenAsTheyAre() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("set[1]{a,b}"));
        SparkTests.writePng(dir.resolve("a\"b,c.png"), new float[784], 0, 28, 28);
        SparkTests.writePng(dir.resolve("n1.png"), new float[784], 0, 28, 28);
        Files.createDirectories(tmp.resolve("set1a"));
        SparkTests.writePng(tmp.resolve("set1a").resolve("other.png"), new float[784], 0, 28, 28);   // what the glob would match
        ImageSources.Source src = ImageSources.files(spark, dir.toString());
        assertEquals(2, src.rows().count());
        Path out = tmp.resolve("quoted.csv");
        SparkInference.write(SparkInference.run(spark, model.toBytes(), src, SparkInference.Output.PREDICT, false, 256),
                out.toString(), SparkInference.Format.CSV, false, 4);
        StringBuilder text = new StringBuilder();
        try (java.util.stream.Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList())
                text.append(Files.readString(part));
        }
        assertTrue(text.toString().contains("a\"\"b,c.png\","), text.toString());
        assertFalse(text.toString().contains("a\\\"b"), text.toString());
    }

    /**
     * The CSV output keeps every value as it is: a table's ids with leading or trailing spaces (Spark's CSV writer trims
     * both by default, so " a", "a " and "a" all came out as a, three rows of one id) and a line break or a quote stay
     * one field each, read back by an RFC 4180 parser.
     */
    @Test void csvIdsKeepTheirSpaces() throws IOException {
        String[] ids = {" lead", "trail ", "lead", "  both  ", "a \"q\", b", "line\nbreak", "\ttab"};
        List<Row> rows = new ArrayList<>();
        for (String id : ids) rows.add(RowFactory.create(id, new Float[784]));
        for (Row r : rows) java.util.Arrays.fill((Float[]) r.get(1), 0.5f);
        var schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType), false)));
        String table = tmp.resolve("spaced-ids.parquet").toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table);
        Path out = tmp.resolve("spaced-ids.csv");
        SparkInference.write(SparkInference.run(spark, model.toBytes(), ImageSources.table(spark, table, "id", "pixels"),
                SparkInference.Output.PREDICT, false, 256), out.toString(), SparkInference.Format.CSV, false, 4);
        List<String> read = new ArrayList<>();
        try (java.util.stream.Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                List<List<String>> records = rfc4180(Files.readString(part));
                assertEquals(List.of("id", "cluster", "confidence"), records.get(0));
                for (List<String> r : records.subList(1, records.size())) {
                    assertEquals(3, r.size(), r.toString());
                    read.add(r.get(0));
                }
            }
        }
        java.util.Collections.sort(read);
        List<String> expected = new ArrayList<>(List.of(ids));
        java.util.Collections.sort(expected);
        assertEquals(expected, read);
    }

    /** The records of an RFC 4180 text (quoted fields with doubled quotes; line ends \n or \r\n), as other CSV readers see them. */
    static List<List<String>> rfc4180(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0) {
                for (i++; !(text.charAt(i) == '"' && (i + 1 == text.length() || text.charAt(i + 1) != '"')); i++) {
                    if (text.charAt(i) == '"') i++;
                    field.append(text.charAt(i));
                }
                i++;
                continue;
            }
            if (c == ',' || c == '\n' || c == '\r') {
                record.add(field.toString());
                field.setLength(0);
                if (c != ',') {
                    records.add(record);
                    record = new ArrayList<>();
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                }
            } else {
                field.append(c);
            }
            i++;
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    @Test void badPathsAndUnreadableImagesAreNamed() throws IOException {
        String missing = tmp.resolve("no-such-folder").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, missing));
        assertTrue(e.getMessage().contains(missing), e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("no-images"));
        Files.writeString(empty.resolve("readme.txt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, empty.toString()));
        assertTrue(e.getMessage().contains("no-images") && e.getMessage().contains("found none"), e.getMessage());

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        SparkTests.writePng(broken.resolve("good.png"), new float[784], 0, 28, 28);
        Files.write(broken.resolve("bad.png"), new byte[] {1, 2, 3, 4, 5});
        Exception ex = assertThrows(Exception.class, () -> SparkInference.run(spark, model.toBytes(), ImageSources.files(spark, broken.toString()),
                SparkInference.Output.PREDICT, false, 256).collectAsList());
        DatasetException d = SparkErrors.datasetCause(ex);
        assertTrue(d != null && d.getMessage().contains("bad.png") && d.getMessage().contains("readable PNG"), String.valueOf(ex));
        assertTrue(SparkErrors.describe(ex).contains("bad.png"), SparkErrors.describe(ex));
        // written out, the failed job leaves no output folder behind (an empty one used to block the corrected re-run)
        for (SparkInference.Format format : SparkInference.Format.values()) {
            Path out = tmp.resolve("failed-" + format);
            assertThrows(Exception.class, () -> SparkInference.write(SparkInference.run(spark, model.toBytes(),
                    ImageSources.files(spark, broken.toString()), SparkInference.Output.PREDICT, false, 256), out.toString(), format, false, 4));
            assertFalse(Files.exists(out), format + ": " + out);
        }
    }

    /**
     * Spark's file index skips names starting with '_' at any depth; the image-folder loader reads them. Rather than
     * silently train on fewer images than {@code dcec} would, such an image is refused, named; a '.' name is skipped by both.
     */
    @Test void anImageSparkWouldSkipButTheLoaderReadsIsRefused() throws IOException {
        Path underscored = Files.createDirectories(tmp.resolve("underscored"));
        SparkTests.writePng(Files.createDirectories(underscored.resolve("a")).resolve("x.png"), new float[784], 0, 28, 28);
        SparkTests.writePng(Files.createDirectories(underscored.resolve("_b")).resolve("y.png"), new float[784], 0, 28, 28);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, underscored.toString()));
        assertTrue(e.getMessage().contains("_b") && e.getMessage().contains("y.png") && e.getMessage().contains("'_'"), e.getMessage());

        Path file = Files.createDirectories(tmp.resolve("underscored-file"));
        SparkTests.writePng(file.resolve("x.png"), new float[784], 0, 28, 28);
        SparkTests.writePng(file.resolve("_y.PNG"), new float[784], 0, 28, 28);
        e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, file.toString()));
        assertTrue(e.getMessage().contains("_y.PNG"), e.getMessage());

        // hidden ('.') files and folders, and '_' names that are not images, are left out by both readers: accepted
        Path hidden = Files.createDirectories(tmp.resolve("hidden"));
        SparkTests.writePng(hidden.resolve("x.png"), new float[784], 0, 28, 28);
        SparkTests.writePng(Files.createDirectories(hidden.resolve(".cache")).resolve("_z.png"), new float[784], 0, 28, 28);
        SparkTests.writePng(hidden.resolve(".w.png"), new float[784], 0, 28, 28);
        Files.writeString(hidden.resolve("_SUCCESS"), "");
        assertEquals(1, ImageSources.files(spark, hidden.toString()).rows().count());
    }

    /**
     * One image file as --dataset is read; Spark's reader leaves out a '_' or '.' file given alone too, and that (and a
     * file of another extension) was said as "expected image files ... in the folder or below it, found none".
     */
    @Test void oneImageFileGivenAloneIsReadOrRefusedByItsName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("single-files"));
        for (String n : List.of("x.png", "_y.png", ".z.png", "w.tif")) SparkTests.writePng(dir.resolve(n), new float[256], 0, 16, 16);
        assertEquals(1, ImageSources.files(spark, dir.resolve("x.png").toString()).rows().count());
        for (String n : List.of("_y.png", ".z.png")) {
            String path = dir.resolve(n).toString();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, path));
            assertEquals(path + ": Spark's file reader skips files whose names start with '" + n.charAt(0) + "', even one given alone; "
                    + "rename it, or copy it under another name", e.getMessage());
        }
        String tif = dir.resolve("w.tif").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.files(spark, tif));
        assertEquals(tif + ": expected a folder of images or one image file (.png, .jpg, .jpeg, .bmp, .gif), found a file of another name",
                e.getMessage());
    }

    @Test void anImageTooLargeIsRefusedFromItsHeader() throws IOException {
        // a PNG whose header declares 30000x30000 pixels (the IHDR chunk, CRC not checked before the size)
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        Path f = Files.createDirectories(tmp.resolve("bomb")).resolve("big.png");
        ImageIO.write(img, "png", f.toFile());
        byte[] b = Files.readAllBytes(f);
        java.nio.ByteBuffer.wrap(b, 16, 8).putInt(30000).putInt(30000);
        DatasetException e = assertThrows(DatasetException.class, () -> ImageDecoder.read(b, "s3a://bucket/big.png"));
        assertTrue(e.getMessage().contains("s3a://bucket/big.png") && e.getMessage().contains("30000x30000"), e.getMessage());
        // within the loader's limits but more pixels than the file's bytes can encode: refused before ImageIO allocates them,
        // as the image-folder loader refuses it (ImageFolder.checkFileHolds)
        java.nio.ByteBuffer.wrap(b, 16, 8).putInt(8000).putInt(8000);
        e = assertThrows(DatasetException.class, () -> ImageDecoder.read(b, "s3a://bucket/liar.png"));
        assertTrue(e.getMessage().startsWith("s3a://bucket/liar.png: at its header: expected an image whose data fits in its file (a PNG of "
                + b.length + " bytes"), e.getMessage());
        // a 41-byte GIF whose logical screen (16384x16384, around a 1x1 frame) its file cannot fill: the screen was
        // allocated once the frame was read (1 GB, an OutOfMemoryError here); refused from the header as by the loader
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 0, 0x40, 0, 0x40, (byte) 0xF1, 0, 0, 0, 0, 0, -1, -1, -1, 0, 0, 0, 0, 0, 0,
                0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0, 0x3B};
        e = assertThrows(DatasetException.class, () -> ImageDecoder.read(gif, "s3a://bucket/screen.gif"));
        assertTrue(e.getMessage().startsWith("s3a://bucket/screen.gif: at its header: expected a GIF whose logical screen its file"
                + " can fill (a GIF of 41 bytes encodes at most 111971 pixels;"), e.getMessage());
        // TIFF content named .png: ImageIO reads it as a TIFF, so the TIFF's bound applies (16384x16384 in 138 bytes)
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(138).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 9);
        for (int[] field : new int[][] {{256, 4, 16384}, {257, 4, 16384}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {273, 4, 122},
                {277, 3, 1}, {278, 4, 16384}, {279, 4, 16}}) {
            t.putShort((short) field[0]).putShort((short) field[1]).putInt(1);
            if (field[1] == 3) t.putShort((short) field[2]).putShort((short) 0); else t.putInt(field[2]);
        }
        e = assertThrows(DatasetException.class, () -> ImageDecoder.read(t.array(), "s3a://bucket/tiff.png"));
        assertTrue(e.getMessage().startsWith("s3a://bucket/tiff.png: at its header: expected an image whose data fits in its file"
                + " (a TIFF (uncompressed) of 138 bytes encodes at most 1104 pixels; its content is TIFF"), e.getMessage());
    }

    /**
     * The distributed decoder refuses what the image-folder loader refuses: a truncated JPEG (ImageIO decodes it with a
     * warning and grey rows; it used to load) and floating-point samples outside [0, 1], each naming the file.
     */
    @Test void aDamagedImageIsRefusedNamingTheFile() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.getRaster().setSample(x, y, 0, rng.nextInt(256));
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "jpg", jpeg);
        byte[] whole = jpeg.toByteArray(), cut = java.util.Arrays.copyOf(whole, whole.length * 6 / 10);
        ImageDecoder.read(whole, "s3a://bucket/ok.jpg");
        DatasetException e = assertThrows(DatasetException.class, () -> ImageDecoder.read(cut, "s3a://bucket/cut.jpg"));
        assertTrue(e.getMessage().contains("s3a://bucket/cut.jpg") && e.getMessage().contains("ImageIO warns"), e.getMessage());
    }

    /**
     * A 12-bit JPEG, which the JDK's JPEG decoder does not read, is said as the image-folder loader says it (the file, its
     * precision and what to do); it was ImageIO's bare "Unsupported JPEG data precision 12".
     */
    @Test void aTwelveBitJpegIsRefusedAsTheLoaderRefusesIt() throws IOException {
        // the datasets tests' JpegFixtures.gray12(): an 8x8 grey SOF1 JPEG of 12-bit samples (that class is not on this
        // module's test class path)
        byte[] gray12 = java.util.Base64.getDecoder().decode("/9j/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
                + "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wQALDAAIAAgBAREA/8QAIwAAAAAAEAAAAAAAAAAAAAAAAAECAwQFBgcICQoLDA0OD//EABQQAQAAAAAA"
                + "AAAAAAAAAAAAAAD/2gAIAQEAAD8AdAAP/9k=");
        Path dir = Files.createDirectories(tmp.resolve("twelve-bit"));
        Files.write(dir.resolve("b.jpg"), gray12);
        String loader = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 8, 8)).getMessage();
        String spark = assertThrows(DatasetException.class, () -> ImageDecoder.read(gray12, "s3a://bucket/b.jpg")).getMessage();
        assertTrue(loader.contains("12-bit JPEG is not supported"), loader);
        assertTrue(spark.startsWith("s3a://bucket/b.jpg: at its "), spark);
        assertEquals(loader.substring(loader.indexOf(": expected ")), spark.substring(spark.indexOf(": expected ")));
    }

    /**
     * A truncated PNG among good ones is named, with where it failed and ImageIO's reason, as the image-folder loader says
     * it ("at image 3 of 6: ... found javax.imageio.IIOException: Error reading PNG image data"): its header was read, so
     * "at its data" (a task does not know the image's number); it was "at byte 0".
     */
    @Test void aTruncatedPngAmongGoodOnesIsNamedWithWhereItFailed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("truncated"));
        float[] x = new float[784];
        for (int j = 0; j < x.length; j++) x[j] = (j * 37 % 251) / 255f;
        for (int i = 0; i < 6; i++) SparkTests.writePng(dir.resolve("i" + i + ".png"), x, 0, 28, 28);
        byte[] whole = Files.readAllBytes(dir.resolve("i3.png")), cut = java.util.Arrays.copyOf(whole, whole.length * 6 / 10);
        Files.write(dir.resolve("i3.png"), cut);
        DatasetException local = assertThrows(DatasetException.class, () -> ImageFolder.load(dir, 1, 28, 28));
        String why = local.getMessage().substring(local.getMessage().indexOf(", found ") + ", found ".length());
        assertEquals("javax.imageio.IIOException: Error reading PNG image data", why, local.getMessage());
        Exception ex = assertThrows(Exception.class, () -> SparkInference.run(spark, model.toBytes(), ImageSources.files(spark, dir.toString()),
                SparkInference.Output.PREDICT, false, 256).collectAsList());
        String uri = ImageSources.qualified(spark, dir.toString()) + "/i3.png";
        String message = SparkErrors.describe(ex);
        assertTrue(message.startsWith(uri + ": at its data: expected a readable PNG, JPEG, BMP or GIF image, found a damaged one (truncated"
                + " or corrupt) of " + cut.length + " bytes: " + why + " ("), message);
    }

    /**
     * A class folder without images is refused as the image-folder loader refuses it (binaryFile never lists an empty
     * folder, so the labels of every later class used to shift by one without a word).
     */
    @Test void anEmptyClassFolderIsRefusedAsByTheLoader() throws IOException {
        Path f = tmp.resolve("with-empty");
        SparkTests.writeFolder(f, Shapes.generate(20, 3, 28));
        Files.createDirectories(f.resolve("a-empty"));
        DatasetException local = assertThrows(DatasetException.class, () -> ImageFolder.load(f, 1, 28, 28));
        DatasetException spread = assertThrows(DatasetException.class, () -> TrainingData.fromFiles(spark, f.toString(), 1, 28, 28, 1));
        assertTrue(local.getMessage().contains("class folder 'a-empty' holds no images"), local.getMessage());
        assertTrue(spread.getMessage().contains("class folder 'a-empty' holds no images"), spread.getMessage());
        // an empty '_' folder is a class folder without images for the loader, so for the distributed set too
        Files.delete(f.resolve("a-empty"));
        Files.createDirectories(f.resolve("_spark"));
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.load(f, 1, 28, 28)).getMessage().contains("'_spark' holds no images"));
        spread = assertThrows(DatasetException.class, () -> TrainingData.fromFiles(spark, f.toString(), 1, 28, 28, 1));
        assertTrue(spread.getMessage().contains("class folder '_spark' holds no images"), spread.getMessage());
        Files.delete(f.resolve("_spark"));
        // hidden folders are not classes for either
        Files.createDirectories(f.resolve(".thumbs"));
        TrainingData d = TrainingData.fromFiles(spark, f.toString(), 1, 28, 28, 1);
        assertEquals(20, d.size());
        // the classes keep their folder names, as the image-folder loader gives them (the report showed "class 0, 1, …")
        assertEquals(ImageFolder.load(f, 1, 28, 28).classNames(), d.classNames());
        assertTrue(!d.classNames().isEmpty() && d.classNames().get(0).equals("c0"), d.classNames().toString());
    }
}
