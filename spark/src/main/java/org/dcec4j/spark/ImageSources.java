package org.dcec4j.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.dcec4j.datasets.DatasetException;

/**
 * Where the images of a distributed job come from, as a DataFrame with two columns:
 * <ul>
 *   <li>{@link #files}: image files (PNG, JPEG, BMP, GIF, any letter case) under a path of any Hadoop file system
 *       ({@code file:}, {@code hdfs:}, {@code s3a:}, …), read with Spark's {@code binaryFile} source: columns
 *       {@code path} (the file's URI) and {@code content} (its bytes);</li>
 *   <li>{@link #table}: a Parquet table of decoded images: an id column of any type (as a string) and a pixel column
 *       of C·H·W floats or doubles in [0, 1] (NCHW order, as {@code org.dcec4j.datasets.Dataset} holds them).</li>
 * </ul>
 * Spark skips files and folders whose names start with '.' or '_' (the image-folder loader skips those starting
 * with '.', at any depth): an image under a '_' name is refused rather than left out ({@link #requireNoImageSparkSkips}).
 */
public final class ImageSources {
    private ImageSources() {}

    /** The column names of the two sources. */
    public static final String PATH = "path", CONTENT = "content", ID = "id", PIXELS = "pixels";

    /** A table's third column: the Parquet file of the row. */
    static final String FILE = "file";

    /** Image files per partition when Spark's own packing makes smaller ones: four batches of 256. */
    public static final int FILES_PER_PARTITION = 1024;

    /** What a source holds in its second column. */
    public enum Kind { ENCODED, PIXELS }

    /** A source: the DataFrame (id column first), what its second column holds, and the id column's name. */
    public record Source(Dataset<Row> rows, Kind kind, String idColumn, String description) {}

    /**
     * The image files under {@code path} (a folder, searched at any depth, or one file).
     *
     * @throws IllegalArgumentException naming the path when it does not exist or holds no image file
     */
    public static Source files(SparkSession spark, String path) {
        requireExists(spark, path, "images");
        requireNoImageSparkSkips(spark, path);
        requireNamesThisJvmCanSpell(spark, path);
        Dataset<Row> rows = spark.read().format("binaryFile").option("pathGlobFilter", ImageDecoder.GLOB)
                .option("recursiveFileLookup", "true").load(literal(path)).select(PATH, CONTENT);
        int files = rows.inputFiles().length;
        if (files == 0)
            throw new IllegalArgumentException(path + ": expected image files (.png, .jpg, .jpeg, .bmp, .gif) in the folder or below it, found none");
        // Spark packs small files by size (4 MB of "open cost" each by default): 32 files a partition, a short batch and a
        // task each; merged (no shuffle) to FILES_PER_PARTITION files a partition, never fewer partitions than cores
        int target = Math.max(spark.sparkContext().defaultParallelism(), (files + FILES_PER_PARTITION - 1) / FILES_PER_PARTITION);
        if (rows.rdd().getNumPartitions() > target) rows = rows.coalesce(target);
        return new Source(rows, Kind.ENCODED, PATH, path);
    }

    /**
     * A Parquet table of decoded images: {@code idColumn} (any type, read as a string) and {@code pixelsColumn}
     * (array of float or double).
     *
     * @throws IllegalArgumentException naming the path or the column when the table does not fit
     */
    public static Source table(SparkSession spark, String path, String idColumn, String pixelsColumn) {
        requireExists(spark, path, "table");
        Dataset<Row> t = spark.read().parquet(literal(path));
        List<String> names = Arrays.asList(t.columns());
        for (String c : new String[] {idColumn, pixelsColumn})
            if (!names.contains(c))
                throw new IllegalArgumentException(path + ": the table has no column '" + c + "' (its columns: " + String.join(", ", names) + ")");
        DataType type = field(t, pixelsColumn).dataType();
        if (!(type instanceof ArrayType a) || !(a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType)))
            throw new IllegalArgumentException(path + ": column '" + pixelsColumn + "' should be an array of float or double pixel values, found "
                    + type.simpleString());
        requireIds(t, path, idColumn);
        // the pixels keep their type (float or double): checked in it, then narrowed, so that an error shows the value stored;
        // each row's Parquet file comes along, for an error to name (PixelRows)
        Dataset<Row> rows = t.select(t.col(idColumn).cast(DataTypes.StringType).as(idColumn), t.col(pixelsColumn).as(PIXELS),
                functions.input_file_name().as(FILE));
        return new Source(rows, Kind.PIXELS, idColumn, path);
    }

    /**
     * Every row has an id: a row without one cannot be named in a prediction or an error, so the table is refused at
     * load, naming how many rows lack one and the Parquet file that holds the first (a query over the id column alone).
     */
    private static void requireIds(Dataset<Row> t, String path, String idColumn) {
        Dataset<Row> missing = t.filter(t.col(idColumn).isNull());
        List<Row> first = missing.select(functions.input_file_name()).limit(1).collectAsList();
        if (first.isEmpty()) return;
        long n = missing.count();
        throw new DatasetException(path + ": " + n + (n == 1 ? " row has" : " rows have") + " no id (column '" + idColumn
                + "' is null), the first in " + first.get(0).getString(0) + "; expected an id on every row, each naming one image");
    }

    private static StructField field(Dataset<Row> t, String name) {
        return t.schema().fields()[t.schema().fieldIndex(name)];
    }

    /** An IllegalArgumentException naming the path when nothing is there (Spark's own message is a stack trace away). */
    /**
     * The path as Spark's reader takes it literally: it reads a path holding {@code [ ] { } * ?} or a backslash as a
     * glob pattern (a folder named "set[1]" was "not found", and "*" would have matched other folders), so those
     * characters are escaped with a backslash, which the glob then reads as the character itself.
     */
    static String literal(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if ("[]{}*?\\".indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    static void requireExists(SparkSession spark, String path, String what) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) throw new IllegalArgumentException(path + ": no such file or folder (" + what + " expected there)");
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot open: " + e, e);
        }
    }

    /**
     * Spark's file index leaves out every file or folder whose name starts with '_' (unless it holds '=', a partition
     * folder, or starts with "_metadata" or "_common_metadata") or with '.', at any depth; the image-folder loader
     * leaves out only the '.' names. An image under a '_' name would be read by {@code dcec} and silently not by
     * {@code dcec-spark}: it is refused, named, so that both read the same images.
     */
    static void requireNoImageSparkSkips(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.getFileStatus(root).isDirectory()) {
                // one file: Spark's reader leaves it out by its own name too, given alone ("found none in the folder or below it")
                String n = root.getName();
                if (!ImageDecoder.isImageName(n))
                    throw new IllegalArgumentException(path + ": expected a folder of images or one image file (.png, .jpg, .jpeg, .bmp, .gif), "
                            + "found a file of another name");
                if (n.startsWith(".") || n.startsWith("_") && !n.contains("=") && !n.startsWith("_metadata") && !n.startsWith("_common_metadata"))
                    throw new IllegalArgumentException(path + ": Spark's file reader skips files whose names start with '" + n.charAt(0)
                            + "', even one given alone; rename it, or copy it under another name");
                return;
            }
            int depth = fs.makeQualified(root).depth();
            org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                org.apache.hadoop.fs.Path f = files.next().getPath();
                if (!ImageDecoder.isImageName(f.getName())) continue;
                String skipped = null;
                boolean hidden = false;
                for (org.apache.hadoop.fs.Path p = f; p != null && p.depth() > depth; p = p.getParent()) {
                    String n = p.getName();
                    hidden |= n.startsWith(".");
                    if (n.startsWith("_") && !n.contains("=") && !n.startsWith("_metadata") && !n.startsWith("_common_metadata")) skipped = n;
                }
                if (skipped != null && !hidden)
                    throw new IllegalArgumentException(path + ": " + f + ": Spark's file reader skips names starting with '_' ('" + skipped
                            + "'), which dcec's image-folder loader reads; rename it, or move it out, so that both read the same images");
            }
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot list the folder: " + e, e);
        }
    }

    /**
     * On the local file system, every image's path below {@code path} can be spelled by this JVM: Java decodes a file
     * name's bytes in sun.jnu.encoding (from the locale: ASCII under LANG=C or LC_ALL=C on JDK 17, where every non-ASCII
     * name became U+FFFD characters), and a name it cannot decode back to the same bytes (under LANG=C any non-ASCII
     * name; under a UTF-8 locale bytes that are not UTF-8) names no file; Hadoop's local file system drops such files from
     * its listings without a word, so dcec-spark read fewer images than dcec, which reads them by their bytes
     * ({@link org.dcec4j.datasets.ImageFolder}), and took their order from another name. Such a file is refused, named
     * by its bytes read as UTF-8 (as dcec names it). Other file systems keep names as Unicode text.
     */
    static void requireNamesThisJvmCanSpell(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(path);
        java.nio.file.Path dir;
        try {
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!(fs instanceof org.apache.hadoop.fs.LocalFileSystem || fs instanceof org.apache.hadoop.fs.RawLocalFileSystem)) return;
            dir = java.nio.file.Paths.get(fs.makeQualified(root).toUri());
        } catch (IOException | RuntimeException e) {
            return;                                 // said by the listing that follows
        }
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
            s.filter(p -> !spelled(p) && ImageDecoder.isImageName(p.getFileName().toString()) && java.nio.file.Files.isRegularFile(p)
                    && !hiddenBelow(dir, p)).findFirst().ifPresent(p -> {
                        throw new DatasetException(path + ": " + utf8(dir, p) + ": expected a file name this JVM can decode, found"
                                + " bytes that are not " + System.getProperty("sun.jnu.encoding") + " text (the JVM's file name encoding,"
                                + " sun.jnu.encoding, from the locale: LC_ALL, LC_CTYPE or LANG; the name is shown as UTF-8, each U+FFFD a byte"
                                + " that is not UTF-8): Hadoop's local file system leaves such a file out of its listings, where dcec reads it;"
                                + " run the driver and the executors under a UTF-8 locale (LANG=C.UTF-8; spark.executorEnv.LANG on a cluster),"
                                + " or rename the file");
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder that cannot be read: said by Hadoop's listing
        }
    }

    /**
     * The rows of a files source as a task reads them, where a file the task cannot open because its JVM cannot spell the
     * name is said so: the driver lists the files under its own locale, and an executor whose file name encoding
     * (sun.jnu.encoding, from its locale: US-ASCII under LANG=C or LC_ALL=C on JDK 17) cannot encode a name the driver
     * listed opens another name, and Spark reported "File file:/…/café.png does not exist" for a file that exists
     * ({@code SeparateExecutorJvmsTest.anExecutorThatCannotSpellAFileNameSaysSoAndHowToFixIt}). Other failures pass
     * unchanged.
     */
    static <T> java.util.Iterator<T> namingFilesThisJvmCannotSpell(java.util.Iterator<T> rows) {
        return new java.util.Iterator<>() {
            @Override public boolean hasNext() {
                try {
                    return rows.hasNext();
                } catch (Exception e) {             // Spark's SparkException is checked, and thrown through Scala's iterators
                    throw ImageSources.<RuntimeException>rethrow(unspellable(e));
                }
            }

            @Override public T next() {
                try {
                    return rows.next();
                } catch (Exception e) {
                    throw ImageSources.<RuntimeException>rethrow(unspellable(e));
                }
            }
        };
    }

    /** Throws t unchanged, checked or not (as the Scala iterator did). */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception t) throws E {
        throw (E) t;
    }

    /** e, or when it is Spark's "file does not exist" for a local file whose name this JVM cannot encode, why and what to do. */
    static Exception unspellable(Exception e) {
        String path = null;
        for (Throwable c = e; c != null && path == null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof org.apache.spark.SparkThrowable t && "FAILED_READ_FILE.FILE_NOT_EXIST".equals(t.getCondition()))
                path = t.getMessageParameters().get("path");
        if (path == null || !(path.startsWith("file:") || path.startsWith("/"))) return e;
        String encoding = System.getProperty("sun.jnu.encoding");
        java.nio.charset.CharsetEncoder encoder;
        try {
            encoder = java.nio.charset.Charset.forName(encoding).newEncoder();
        } catch (RuntimeException unknown) {
            return e;
        }
        String name = path;
        try {
            name = new java.net.URI(path).getPath();          // %XX decoded, when the path came escaped
        } catch (java.net.URISyntaxException | RuntimeException notAUri) {
            // the path as given
        }
        if (name == null || encoder.canEncode(path) && encoder.canEncode(name)) return e;
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        String executor = env == null ? "this JVM" : "executor " + env.executorId();
        return new DatasetException(path + ": " + executor + " cannot open the file, which the driver listed: its JVM encodes file"
                + " names in " + encoding + " (sun.jnu.encoding, from the executor's locale: LC_ALL, LC_CTYPE or LANG), which cannot spell"
                + " this name; run the executors under a UTF-8 locale: --conf spark.executorEnv.LANG=C.UTF-8 (and"
                + " spark.executorEnv.LC_ALL=C.UTF-8 where LC_ALL is set on the executors), or rename the file", e);
    }

    /** Whether p's String names p again (the JVM decoded its bytes and encodes them back the same). */
    private static boolean spelled(java.nio.file.Path p) {
        try {
            return java.nio.file.Path.of(p.toString()).equals(p);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Whether a part of p below dir starts with '.' (left out by both readers). */
    private static boolean hiddenBelow(java.nio.file.Path dir, java.nio.file.Path p) {
        for (java.nio.file.Path part : dir.relativize(p)) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** p's path below dir, its bytes read as UTF-8 (each byte that is not part of a UTF-8 character a U+FFFD), as dcec names files. */
    private static String utf8(java.nio.file.Path dir, java.nio.file.Path p) {
        String raw = p.toUri().getRawPath(), top = dir.toUri().getRawPath();      // the bytes, escaped as %XX, whatever the locale
        return org.dcec4j.datasets.ImageFolder.utf8OfRawPath(raw.substring(top.endsWith("/") ? top.length() : top.length() + 1));
    }

    /** The fully qualified URI of a path, as binaryFile writes it in its {@code path} column (no trailing '/'). */
    static String qualified(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            String s = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot open: " + e, e);
        }
    }
}
