package org.dcec4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.train.Inference;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;

/**
 * {@code predict} and {@code embed} of a trained model over images that live anywhere Spark reads: the model's
 * bytes are broadcast once, each executor parses them once ({@link ExecutorState}), and every partition runs its
 * rows through the encoder a batch at a time, memory bounded by the batch.
 *
 * <p>The numbers are those of the single-machine {@code DcecModel.predict} on the same images, bit for bit: the same
 * decoding and conversion ({@link ImageDecoder}), the same encoder and Student's t kernel, whose results for an image
 * do not depend on which other images share its batch (every kernel adds up in one fixed order), and the same
 * argmax (lowest index on ties).
 *
 * <p>Output columns: the id ({@code path} for files, the table's id column), {@code cluster} (int),
 * {@code confidence} = max_j q_ij (float), with {@code withQ} also {@code q} (K floats), and for {@link Output#EMBED}
 * {@code z} = F(x) (the embedding, K floats).
 */
public final class SparkInference {
    private SparkInference() {}

    /** Images per forward pass, as the single-machine commands. */
    public static final int BATCH = 256;

    /** What a row of the output holds besides the id, cluster and confidence. */
    public enum Output { PREDICT, EMBED }

    /** The output's schema. */
    public static StructType schema(String idColumn, Output output, boolean withQ) {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField(idColumn, DataTypes.StringType, false),
                DataTypes.createStructField("cluster", DataTypes.IntegerType, false),
                DataTypes.createStructField("confidence", DataTypes.FloatType, false)));
        if (withQ) f.add(DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        if (output == Output.EMBED) f.add(DataTypes.createStructField("z", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        return DataTypes.createStructType(f);
    }

    /**
     * The predictions (or embeddings) of every image of {@code source}; lazy: nothing runs until the result is
     * written or collected.
     *
     * @param model the model's bytes ({@code DcecModel.toBytes()} or a model.dc4j file's content), broadcast once
     */
    public static Dataset<Row> run(SparkSession spark, byte[] model, ImageSources.Source source, Output output, boolean withQ, int batchSize) {
        checkBatchSize(batchSize);
        check(TrainedModel.parse(model, "model"), null, output, batchSize);      // on the driver before any task runs
        Broadcast<byte[]> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        JavaRDD<Row> rows = source.rows().javaRDD().mapPartitions(new Infer(b, source.kind(), output, withQ, batchSize, source.description()));
        if (source.kind() == ImageSources.Kind.ENCODED) rows = inLoaderOrder(rows, source, ImageSources.qualified(spark, source.description()));
        return spark.createDataFrame(rows, schema(source.idColumn(), output, withQ));
    }

    /**
     * The rows of image files in the image-folder loader's order ({@link TrainingData#orderKey}: {@code dcec predict}'s
     * order on the same folder), whatever the order Spark read the files in (its file partitions are packed largest file
     * first): partition i holds the i-th of P ranges of that order, sorted within. The ranges' bounds come from the
     * listing the driver already holds ({@code inputFiles}), so no job samples the keys (a sampling job would run the
     * inference once more).
     */
    private static JavaRDD<Row> inLoaderOrder(JavaRDD<Row> rows, ImageSources.Source source, String root) {
        String[] files = source.rows().inputFiles();
        String[] keys = new String[files.length];
        for (int i = 0; i < files.length; i++)
            keys[i] = TrainingData.orderKey(TrainingData.relative(new org.apache.hadoop.fs.Path(java.net.URI.create(files[i])).toString(), root));
        Arrays.sort(keys);
        int P = Math.max(1, Math.min(rows.getNumPartitions(), keys.length));
        String[] bounds = new String[P - 1];
        for (int p = 1; p < P; p++) bounds[p - 1] = keys[(int) ((long) p * keys.length / P)];
        return rows.mapToPair(r -> new scala.Tuple2<>(TrainingData.orderKey(TrainingData.relative(r.getString(0), root)), r))
                .repartitionAndSortWithinPartitions(new KeyRanges(bounds)).values();
    }

    /** Partition i of bounds.length + 1: the keys {@code k} with {@code bounds[i - 1] <= k < bounds[i]} ({@link String#compareTo}). */
    static final class KeyRanges extends org.apache.spark.Partitioner {
        private static final long serialVersionUID = 1L;
        private final String[] bounds;

        KeyRanges(String[] bounds) { this.bounds = bounds; }

        @Override public int numPartitions() { return bounds.length + 1; }

        @Override public int getPartition(Object key) {
            int i = Arrays.binarySearch(bounds, (String) key);
            return i >= 0 ? i + 1 : -i - 1;
        }

        @Override public boolean equals(Object o) { return o instanceof KeyRanges k && Arrays.equals(k.bounds, bounds); }

        @Override public int hashCode() { return Arrays.hashCode(bounds); }
    }

    /** Refuses a batch size below 1 (a {@link ConfigException} naming {@code batchSize}); needs no model. */
    public static void checkBatchSize(int batchSize) {
        if (batchSize < 1) throw new ConfigException("{batchSize} must be at least 1, got " + batchSize);
    }

    /**
     * What {@link #run} checks of the model before any task, needing no session (a command makes these checks on the
     * driver before it starts one): each task holds a batch of batchSize images, however few its partition has, so
     * B·C·H·W (and each layer's output) must fit one array, or every task failed with a NegativeArraySizeException (B·D
     * wrapped); and embed needs an encoder. {@link ConfigException}s naming {@code batchSize} and {@code model};
     * {@code source}, if not null, names the model file in the message.
     */
    public static void check(TrainedModel m, String source, Output output, int batchSize) {
        checkBatchSize(batchSize);
        if (batchSize > m.largestBatch())
            throw new ConfigException("{batchSize} " + batchSize + ": a batch of " + m.channels + "x" + m.height + "x" + m.width
                    + " images (or a layer's output for them) would hold more values than one Java array (2^31): use at most "
                    + m.largestBatch() + " (the results do not depend on it)");
        if (output == Output.EMBED && m.ae == null)
            throw new ConfigException("{model}" + (source != null ? " " + ConfigException.quote(source) : "") + ": a kmeans (pixel) model has no encoder to embed with");
    }

    /** Output files: Parquet (arrays kept) or CSV with a header (arrays spread over columns q0…, z0…). */
    public enum Format { PARQUET, CSV }

    /**
     * Writes a result of {@link #run} to {@code path}, a folder of part files that appears only complete: the job writes
     * into a hidden folder beside it, renamed into place once committed ({@link StagedOutput}), so neither a failed job
     * nor a signal at any moment leaves a half-made folder at path; with overwrite, an earlier output there stays until
     * the new one is complete.
     *
     * @param K the model's number of clusters (the length of q and z)
     * @return the number of rows written, counted as the job wrote them (reading the output back took another job, and
     *         Spark's multi-line CSV reader takes the paths of the files it reads as glob patterns: the CSV output of
     *         {@code --output 'out[1].csv'} was written whole and then reported as "matches 0 files", exit code 1)
     */
    public static long write(Dataset<Row> result, String path, Format format, boolean overwrite, int K) throws java.io.IOException {
        SparkSession spark = result.sparkSession();
        checkOutput(spark, path, overwrite);
        // counted in the write job's own tasks, a result stage: Spark adds a task's count once, from its successful attempt
        org.apache.spark.util.LongAccumulator rows = spark.sparkContext().longAccumulator("rows written");
        Dataset<Row> counted = spark.createDataFrame(result.javaRDD().mapPartitions(new Count(rows)), result.schema());
        try (StagedOutput out = StagedOutput.begin(spark, path)) {
            writeJob(counted, out.staging(), format, K);
            out.publish(spark, overwrite);
        }
        return rows.value();
    }

    /**
     * Refuses (an IllegalArgumentException naming it) what is at path unless overwrite is given and it is an earlier output
     * ({@link #checkReplaceable}); {@link #write} checks it, and a command checks it before the images are listed.
     */
    public static void checkOutput(SparkSession spark, String path, boolean overwrite) {
        requireNoFileAbove(spark, path);
        // an output is a folder: a file there was "already exists: pass --overwrite", and --overwrite then refused it too
        if (isFile(spark, path))
            throw new IllegalArgumentException(path + " is a file, not a folder: an output is a folder (of Spark's part files);"
                    + " choose another output");
        boolean existed = exists(spark, path);
        if (!overwrite && existed)
            throw new IllegalArgumentException(path + " already exists: pass --overwrite to replace it, or choose another output");
        if (existed) checkReplaceable(spark, path);
    }

    /**
     * Refuses (an IllegalArgumentException naming both) a path below a file ({@code somefile.txt/out.csv}): no folder can
     * be made there, and Hadoop said so ("Parent path is not a directory") only when the job that computed the output
     * tried to commit it. The nearest existing folder or file above the path is looked at.
     */
    public static void requireNoFileAbove(SparkSession spark, String path) {
        try {
            requireNoFileAbove(new org.apache.hadoop.fs.Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration()), path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #requireNoFileAbove(SparkSession, String)} on a given file system: the driver's own (Hadoop's local file
     * system) for train's --out, a folder on the driver whatever the cluster's default file system is.
     */
    public static void requireNoFileAbove(org.apache.hadoop.fs.FileSystem fs, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            for (org.apache.hadoop.fs.Path up = p.getParent(); up != null; up = up.getParent()) {
                if (!fs.exists(up)) continue;
                if (!fs.getFileStatus(up).isDirectory())
                    throw new IllegalArgumentException(path + ": " + up + " is a file, not a folder: no output can be made below it;"
                            + " choose another output");
                return;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** A partition's rows passed through, each added to an accumulator. */
    private static final class Count implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final org.apache.spark.util.LongAccumulator rows;

        Count(org.apache.spark.util.LongAccumulator rows) { this.rows = rows; }

        @Override public Iterator<Row> call(Iterator<Row> in) {
            return new Iterator<>() {
                @Override public boolean hasNext() { return in.hasNext(); }

                @Override public Row next() {
                    Row r = in.next();
                    rows.add(1);
                    return r;
                }
            };
        }
    }

    private static void writeJob(Dataset<Row> result, String path, Format format, int K) {
        SaveMode mode = SaveMode.ErrorIfExists;       // a fresh hidden folder: an earlier output is replaced by the rename
        if (format == Format.PARQUET) {
            result.write().mode(mode).parquet(path);
            return;
        }
        List<Column> cols = new ArrayList<>();
        for (String name : result.columns()) {
            if (name.equals("q") || name.equals("z")) {
                for (int j = 0; j < K; j++) cols.add(result.col(name).getItem(j).as(name + j));
            } else {
                cols.add(result.col(name));
            }
        }
        // RFC 4180: a quote inside a quoted field is doubled (Spark's default escapes it with a backslash, which other
        // CSV readers do not undo: a file name with a quote and a comma came back as several fields); spaces are part of
        // a field (Spark's writer trims leading and trailing white space by default: a table's ids " a", "a " and "a"
        // all came out as a)
        result.select(cols.toArray(new Column[0])).write().mode(mode).option("header", "true").option("escape", "\"")
                .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false").csv(path);
    }

    /**
     * Refuses (an IllegalArgumentException) to let an overwrite replace what is at path unless it is a folder of an earlier
     * output: an overwrite deletes the path and everything below it (once the new output is complete), so {@code --output ~ --overwrite}
     * (or the images' own folder, or a file) would be deleted whole. Such a folder holds only what Spark's writers leave:
     * part files, _SUCCESS, _committed_ and _started_ markers, _temporary, and their hidden .crc checksums.
     */
    public static void checkReplaceable(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) return;
            String why = null;
            if (!fs.getFileStatus(p).isDirectory()) {
                why = "is a file";
            } else {
                for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(p)) {
                    String n = s.getPath().getName();
                    if (!SPARK_OUTPUT.matcher(n).matches()) {
                        why = "holds " + n + (s.isDirectory() ? "/" : "") + ", which no Spark output holds";
                        break;
                    }
                }
            }
            if (why != null)
                throw new IllegalArgumentException(path + " " + why + ": --overwrite replaces only the folder of an earlier output"
                        + " (part files, _SUCCESS), deleting everything in it; choose another output, or remove it yourself");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The names in a folder written by Spark's file writers (their .crc checksums hidden beside them). */
    private static final java.util.regex.Pattern SPARK_OUTPUT =
            java.util.regex.Pattern.compile("\\.?(part-.*|_SUCCESS|_committed_.*|_started_.*|_temporary)(\\.crc)?");

    /**
     * Whether something other than a folder (a file) is at path, on any Hadoop file system: no output, each a folder,
     * can be made there.
     */
    public static boolean isFile(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(p) && !fs.getFileStatus(p).isDirectory();
        } catch (java.io.FileNotFoundException e) {
            return false;   // removed between the two questions
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** Whether anything (a file or a folder) is at path, on any Hadoop file system. */
    public static boolean exists(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** A partition's rows → batches through the model → output rows, one batch in memory at a time. */
    private static final class Infer implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> model;
        private final ImageSources.Kind kind;
        private final Output output;
        private final boolean withQ;
        private final int batchSize;
        private final String source;

        Infer(Broadcast<byte[]> model, ImageSources.Kind kind, Output output, boolean withQ, int batchSize, String source) {
            this.model = model; this.kind = kind; this.output = output; this.withQ = withQ; this.batchSize = batchSize; this.source = source;
        }

        @Override public Iterator<Row> call(Iterator<Row> input) {
            Iterator<Row> rows = kind == ImageSources.Kind.ENCODED ? ImageSources.namingFilesThisJvmCannotSpell(input) : input;
            TrainedModel m = ExecutorState.model(model);
            int C = m.channels, H = m.height, W = m.width, D = C * H * W, K = m.K(), F = m.featureSize(), B = batchSize;
            float[] x = new float[B * D];
            String[] ids = new String[B];
            return new Iterator<>() {
                private final List<Row> ready = new ArrayList<>();
                private int next;

                @Override public boolean hasNext() {
                    if (next < ready.size()) return true;
                    ready.clear();
                    next = 0;
                    int n = 0;
                    while (n < B && rows.hasNext()) {
                        Row r = rows.next();
                        ids[n] = PixelRows.id(r, source);
                        PixelRows.fill(x, n * D, r, ids[n], kind, C, H, W, source);
                        n++;
                    }
                    if (n > 0) infer(n);
                    return !ready.isEmpty();
                }

                @Override public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return ready.get(next++);
                }

                /** q = softAssign(F(x)) as TrainedModel.softAssign computes it; labels and confidences as DcecModel.predict. */
                private void infer(int n) {
                    float[] xb = n == B ? x : Arrays.copyOf(x, n * D);
                    float[] z = m.features(xb, n, B);
                    float[] q = Inference.softAssign(z, n, F, m.mu, K, m.config.alpha());
                    for (int i = 0; i < n * K; i++)
                        if (!Float.isFinite(q[i])) throw new IllegalStateException(ids[i / K] + ": the model gave a non-finite assignment");
                    int[] labels = new int[n];
                    TargetDistribution.argmax(labels, q, n, K);
                    float[] confidence = Inference.confidence(q, n, K);
                    for (int i = 0; i < n; i++) {
                        List<Object> v = new ArrayList<>(5);
                        v.add(ids[i]);
                        v.add(labels[i]);
                        v.add(confidence[i]);
                        if (withQ) v.add(boxed(q, i * K, K));
                        if (output == Output.EMBED) v.add(boxed(z, i * F, F));
                        ready.add(RowFactory.create(v.toArray()));
                    }
                }
            };
        }
    }

    /** a[from … from + n) as the Float array Spark's array columns take. */
    static Float[] boxed(float[] a, int from, int n) {
        Float[] out = new Float[n];
        for (int i = 0; i < n; i++) out[i] = a[from + i];
        return out;
    }
}
