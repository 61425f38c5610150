package org.dcec4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.ImageFolder;
import scala.Tuple2;

/**
 * A training set that stays on the executors: {@link ImageBlock}s of consecutive images, cached (memory, spilling to
 * disk), in the order the single-machine loader gives them, so that index i means the same image in both and the
 * clustering phase can walk the batches in the same order.
 *
 * <p>Order: for image files, class sub-folders by name then relative paths (the image-folder loader's order; labels
 * are the class folders' indices, used only for scoring), or relative paths when the images lie directly in the
 * folder; for a table, its ids as strings. Images are decoded before they are sorted, so the sort moves C·H·W floats
 * per image, not the encoded files.
 */
public final class TrainingData {
    /** Images per block: large enough that per-block overheads vanish, small enough for a task's memory. */
    public static final int BLOCK = 1024;

    /**
     * Images in one block of images of D floats: {@link #BLOCK}, or fewer when that many would be more than one array
     * holds (2³¹ − 65 values). A block is one float array: 1024 images of 1×2048×2048 are 2³² values, which wrapped to
     * a block array of length 0 (an ArrayIndexOutOfBoundsException in every task), 1024 of 3×1024×1024 to a negative
     * length.
     */
    static int blockImages(int D) { return (int) Math.max(1, Math.min(BLOCK, (Integer.MAX_VALUE - 64) / D)); }

    private final String name;
    private final int N, C, H, W, numClasses;
    private final JavaRDD<ImageBlock> blocks;
    private final long[] partitionSizes;
    /** The classes' names (an image folder's sub-folders, a named set's classes), or empty. */
    private List<String> classNames = List.of();
    /** An image folder's qualified root, whose relative paths name the images' files; null for other sources. */
    private String fileRoot;

    private TrainingData(String name, int C, int H, int W, int numClasses, JavaRDD<ImageBlock> blocks) {
        this.name = name; this.C = C; this.H = H; this.W = W; this.numClasses = numClasses;
        this.blocks = blocks.getStorageLevel().equals(StorageLevel.NONE()) ? blocks.persist(StorageLevel.MEMORY_AND_DISK()) : blocks;
        // one job: caches the blocks and counts each partition's images
        List<Long> sizes = this.blocks.mapPartitions(it -> {
            long n = 0;
            while (it.hasNext()) n += it.next().n();
            return List.of(n).iterator();
        }).collect();
        partitionSizes = sizes.stream().mapToLong(Long::longValue).toArray();
        long total = Arrays.stream(partitionSizes).sum();
        if (total == 0) throw new IllegalArgumentException(name + ": no images");
        if (total > Integer.MAX_VALUE - 1) throw new IllegalArgumentException(name + ": " + total + " images; at most 2^31 - 2 per training run");
        this.N = (int) total;
    }

    /**
     * A data set made elsewhere (already in the data set's order; blocks consecutive, partitions in order); cached here.
     *
     * @param numClasses the classes of the labels, 0 when the blocks carry none
     */
    public static TrainingData of(String name, int C, int H, int W, int numClasses, JavaRDD<ImageBlock> blocks) {
        return new TrainingData(name, C, H, W, numClasses, blocks);
    }

    /** An in-memory data set spread over {@code partitions} partitions of consecutive images. */
    public static TrainingData of(JavaSparkContext sc, Dataset data, int partitions) {
        int N = data.size(), D = data.imageSize();
        List<ImageBlock> list = new ArrayList<>();
        int per = Math.max(1, Math.min(BLOCK, (N + partitions - 1) / partitions));
        for (int from = 0; from < N; from += per) {
            int to = Math.min(N, from + per);
            String[] ids = new String[to - from];
            for (int i = from; i < to; i++) ids[i - from] = Integer.toString(i);
            int[] labels = data.hasLabels() ? Arrays.copyOfRange(data.labels(), from, to) : null;
            list.add(new ImageBlock(from, ids, labels, Arrays.copyOfRange(data.images(), from * D, to * D)));
        }
        // cached and cut from the driver's list: otherwise every task of every later job would carry its partition's images
        JavaRDD<ImageBlock> rdd = sc.parallelize(list, Math.min(partitions, list.size())).persist(StorageLevel.MEMORY_AND_DISK());
        rdd.rdd().localCheckpoint();
        TrainingData t = new TrainingData(data.name(), data.channels(), data.height(), data.width(), data.hasLabels() ? data.numClasses() : 0, rdd);
        t.classNames = List.copyOf(data.classNames());
        return t;
    }

    /**
     * The image files under {@code path} (any Hadoop file system), converted to C×H×W as the loader does, in the
     * loader's order, with class labels when they lie in class sub-folders.
     */
    public static TrainingData fromFiles(SparkSession spark, String path, int C, int H, int W, int partitions) {
        ImageSources.Source src = ImageSources.files(spark, path);
        String root = ImageSources.qualified(spark, path);
        // the classes: first folder below the root of every image ("" for an image directly in it)
        List<String> firsts = src.rows().select(ImageSources.PATH).javaRDD().mapPartitions(it -> {
            Set<String> first = new java.util.HashSet<>();
            for (Iterator<Row> rows = ImageSources.namingFilesThisJvmCannotSpell(it); rows.hasNext(); )
                first.add(classOf(relative(rows.next().getString(0), root)));
            return first.iterator();
        }).distinct().collect();
        List<String> classes = new ArrayList<>(firsts);
        classes.remove("");
        classes.sort(null);
        if (!classes.isEmpty() && firsts.contains(""))
            throw DatasetException.at(path, "its top level", "either images at the top level (unlabeled) or class sub-folders, not both",
                    "images at the top level and " + classes.size() + " class sub-folder(s)");
        if (!classes.isEmpty()) requireImagesInEveryClassFolder(spark, path, root, classes);
        String[] names = classes.toArray(new String[0]);
        String name = new org.apache.hadoop.fs.Path(root).getName();
        JavaPairRDD<String, Decoded> decoded = src.rows().javaRDD().mapPartitionsToPair(input -> {
            Iterator<Row> it = ImageSources.namingFilesThisJvmCannotSpell(input);
            List<Tuple2<String, Decoded>> out = new ArrayList<>();
            while (it.hasNext()) {
                Row r = it.next();
                String id = r.getString(0), rel = relative(id, root), cls = classOf(rel);
                float[] x = new float[C * H * W];
                ImageDecoder.decode(x, 0, (byte[]) r.get(1), id, C, H, W);
                int label = names.length == 0 ? -1 : Arrays.binarySearch(names, cls);
                out.add(new Tuple2<>(orderKey(rel), new Decoded(id, label, x)));
            }
            return out.iterator();
        });
        TrainingData t = new TrainingData(name, C, H, W, names.length, blocks(decoded, partitions, C * H * W, names.length > 0));
        t.classNames = List.of(names);
        t.fileRoot = root;
        return t;
    }

    /**
     * Every class sub-folder holds an image, as the image-folder loader requires: a sub-folder without one (which
     * binaryFile never lists) would shift the labels of every later class. Folders starting with '.' are skipped here,
     * as both readers skip them; a '_' folder is a class for the loader, so an empty one is refused here too (one with
     * images was refused already: {@link ImageSources#requireNoImageSparkSkips}).
     */
    private static void requireImagesInEveryClassFolder(SparkSession spark, String path, String root, List<String> classes) {
        org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root);
        try {
            for (org.apache.hadoop.fs.FileStatus st : r.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(r)) {
                String n = st.getPath().getName();
                if (st.isDirectory() && !n.startsWith(".") && !classes.contains(n))
                    throw new DatasetException(path + ": class folder '" + n + "' holds no images (" + String.join(", ", ImageFolder.EXTENSIONS) + "); "
                            + "every sub-folder is a class once one holds an image: remove it or add its images");
            }
        } catch (java.io.IOException e) {
            throw new DatasetException(path + ": cannot list the folder: " + e, e);
        }
    }

    /** A table of pixel arrays ({@link ImageSources#table}), ordered by id; no labels. */
    public static TrainingData fromTable(ImageSources.Source table, int C, int H, int W, int partitions) {
        if (table.kind() != ImageSources.Kind.PIXELS) throw new IllegalArgumentException("not a pixel table: " + table.description());
        String source = table.description();
        JavaPairRDD<String, Decoded> rows = table.rows().javaRDD().mapToPair(r -> {
            String id = PixelRows.id(r, source);
            float[] x = new float[C * H * W];
            PixelRows.fill(x, 0, r, id, ImageSources.Kind.PIXELS, C, H, W, source);
            return new Tuple2<>(id, new Decoded(id, -1, x));
        });
        // an id names one image: with two rows of one id their order, and which one a prediction means, would be open
        List<Tuple2<String, Integer>> repeated = rows.mapToPair(t -> new Tuple2<>(t._1(), 1)).reduceByKey(Integer::sum)
                .filter(t -> t._2() > 1).take(1);
        if (!repeated.isEmpty())
            throw new DatasetException(source + ": id '" + repeated.get(0)._1() + "' names " + repeated.get(0)._2()
                    + " rows: expected one row per id");
        String name = new org.apache.hadoop.fs.Path(source).getName();
        return new TrainingData(name, C, H, W, 0, blocks(rows, partitions, C * H * W, false));
    }

    /**
     * Rank r of N (in key order) goes to partition ⌊r·P/N⌋: contiguous ranges fixed by N and P alone. (sortByKey's own
     * range partitioner draws its bounds from a sample of the input's splits, which follow the cluster's cores, so the
     * same --partitions gave other partitions, and other results, on another master.)
     */
    static final class RankRanges extends org.apache.spark.Partitioner {
        private final int partitions;
        private final long n;

        RankRanges(int partitions, long n) { this.partitions = partitions; this.n = n; }

        @Override public int numPartitions() { return partitions; }

        @Override public int getPartition(Object rank) { return (int) ((Long) rank * partitions / n); }

        @Override public boolean equals(Object o) { return o instanceof RankRanges r && r.partitions == partitions && r.n == n; }

        @Override public int hashCode() { return Long.hashCode(n) * 31 + partitions; }
    }

    /** One decoded image on its way to a block. */
    record Decoded(String id, int label, float[] x) implements Serializable {}

    /**
     * The images in key order, in {@code partitions} partitions of consecutive ranks ({@link RankRanges}), as blocks:
     * each partition's images numbered on from the partitions before it.
     */
    private static JavaRDD<ImageBlock> blocks(JavaPairRDD<String, Decoded> keyed, int partitions, int D, boolean labelled) {
        JavaRDD<Decoded> sorted = keyed.sortByKey(true).values();
        long total = sorted.count();
        JavaPairRDD<Long, Decoded> ranked = sorted.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(new RankRanges((int) Math.max(1, Math.min(partitions, total)), Math.max(1, total)));
        return ranked.mapPartitions(it -> {
            List<ImageBlock> out = new ArrayList<>();
            int per = blockImages(D);
            List<Tuple2<Long, Decoded>> chunk = new ArrayList<>(per);
            while (it.hasNext()) {
                chunk.add(it.next());
                if (chunk.size() == per || !it.hasNext()) {
                    int n = chunk.size();
                    String[] ids = new String[n];
                    int[] labels = labelled ? new int[n] : null;
                    float[] x = new float[n * D];
                    for (int i = 0; i < n; i++) {
                        Decoded d = chunk.get(i)._2();
                        ids[i] = d.id();
                        if (labelled) labels[i] = d.label();
                        System.arraycopy(d.x(), 0, x, i * D, D);
                    }
                    out.add(new ImageBlock(chunk.get(0)._1(), ids, labels, x));
                    chunk.clear();
                }
            }
            return out.iterator();
        }, true);
    }

    static String relative(String uri, String root) {
        if (uri.equals(root)) return uri.substring(uri.lastIndexOf('/') + 1);
        if (!uri.startsWith(root + "/")) throw new DatasetException(uri + ": not below " + root);
        return uri.substring(root.length() + 1);
    }

    /**
     * The image-folder loader's order as one key, compared with {@link String#compareTo} (UTF-16 code units, as the loader
     * compares names): a file directly in the folder by its name; a file in a sub-folder by (the sub-folder's name, its
     * path within it), '\0' between them sorting before every character of a name: "a/x.png" before "a b/x.png", as
     * the loader takes class "a" before class "a b" though '/' sorts after ' '.
     *
     * @param rel a file's path below the folder ({@link #relative}), '/' between its parts
     */
    static String orderKey(String rel) {
        int slash = rel.indexOf('/');
        return slash < 0 ? rel : rel.substring(0, slash) + '\0' + rel.substring(slash + 1);
    }

    static String classOf(String rel) {
        int slash = rel.indexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** The data set's name (the folder's or table's last path element, or the in-memory set's name). */
    public String name() { return name; }
    /** N, the number of images. */
    public int size() { return N; }
    public int channels() { return C; }
    public int height() { return H; }
    public int width() { return W; }
    /** C·H·W. */
    public int imageSize() { return C * H * W; }
    /** The classes' names in label order (an image folder's sub-folders, a named set's classes); empty when unknown. */
    public List<String> classNames() { return classNames; }

    /** Whether the images are files of a folder, each named by {@link #fileOf} (as the image-folder loader names them). */
    public boolean hasFiles() { return fileRoot != null; }

    /**
     * The file of an image of a folder, from its id (the file's URI): its path below the folder, as
     * {@link org.dcec4j.datasets.ImageFolder} gives it ({@code cat/0001.png}); only when {@link #hasFiles}.
     */
    public String fileOf(String id) {
        if (fileRoot == null) throw new IllegalStateException(name + ": its images are not files of a folder");
        return relative(id, fileRoot);
    }

    /** The number of classes of the labels, 0 when unlabeled. */
    public int numClasses() { return numClasses; }
    public boolean hasLabels() { return numClasses > 0; }
    /** The cached blocks. */
    public JavaRDD<ImageBlock> blocks() { return blocks; }
    /** Images per partition, in partition order. */
    public long[] partitionSizes() { return partitionSizes.clone(); }

    /** Drops the cached blocks. */
    public void release() { blocks.unpersist(false); }
}
