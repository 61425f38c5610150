package org.dcec4j.datasets;

import org.dcec4j.datasets.cli.Counts;
import java.util.Arrays;
import java.util.List;

/**
 * A set of N images of C×H×W pixels as one float array in NCHW order, values in [0, 1] (feature vectors of
 * {@link #ofVectors}: any finite values), with optional
 * integer labels 0..numClasses-1 and, when known, a name for each class ("disk", "7", "Sneaker", a sub-folder's
 * name). Plain arrays and a shape, nothing else: no tensors, no engine.
 *
 * <p>The arrays are shared, not copied: the constructor takes ownership of them and {@link #images()}
 * and {@link #labels()} return them as they are. Callers read them and must not modify them.
 */
public final class Dataset {
    private final String name;
    private final int N;
    private final int C;
    private final int H;
    private final int W;
    private final float[] images;
    private final int[] labels;
    private final int numClasses;
    private final List<String> classNames;
    /** Each image's file (an image folder's path below it), or empty. */
    private final List<String> fileNames;

    /**
     * Checks every invariant: positive sizes, {@code images.length == N*C*H*W} for some N ≥ 1, every
     * value finite and in [0, 1], and labels either null or N values ≥ 0.
     *
     * @param name     a short name, e.g. "mnist" or a folder name
     * @param C        channels (1 grayscale, 3 RGB)
     * @param H        height in pixels
     * @param W        width in pixels
     * @param images   NCHW pixel values; owned by the data set from now on (read only)
     * @param labels   N labels, or null when unlabeled; owned by the data set from now on (read only)
     * @throws IllegalArgumentException if an invariant does not hold (a programming error: the readers
     *                                  check their input and throw {@link DatasetException} first)
     */
    public Dataset(String name, int C, int H, int W, float[] images, int[] labels) {
        this(name, C, H, W, images, labels, -1);
    }

    /**
     * The same with the number of classes of the set the labels come from (10 for MNIST even when the first
     * images loaded hold only some digits): every label must be below it. -1: max label + 1.
     */
    public Dataset(String name, int C, int H, int W, float[] images, int[] labels, int numClasses) {
        this(name, C, H, W, images, labels, numClasses, true);
    }

    /**
     * N feature vectors of d values each (1×1×d "images"), for the methods that cluster plain vectors: the values
     * must be finite but need not lie in [0, 1].
     *
     * @param values N·d values, row-major; owned by the data set from now on (read only)
     * @param labels N labels or null (read only)
     * @return the data set
     */
    public static Dataset ofVectors(String name, int d, float[] values, int[] labels) {
        java.util.Objects.requireNonNull(values, "values");
        return new Dataset(name, 1, 1, d, values, labels, -1, false);
    }

    private Dataset(String name, int C, int H, int W, float[] images, int[] labels, int numClasses, boolean unitRange) {
        this(name, C, H, W, images, labels, numClasses, unitRange, List.of());
    }

    private Dataset(String name, int C, int H, int W, float[] images, int[] labels, int numClasses, boolean unitRange,
                    List<String> classNames) {
        // a null is a NullPointerException whose message is the argument's name, as everywhere in the library
        // (docs/library.md#errors); these were IllegalArgumentExceptions, "images must not be null"
        if (java.util.Objects.requireNonNull(name, "name").isEmpty()) {
            throw new IllegalArgumentException("name must be non-empty");
        }
        java.util.Objects.requireNonNull(images, "images");
        if (C <= 0 || H <= 0 || W <= 0) {
            throw new IllegalArgumentException("C, H, W must be positive, got " + C + "x" + H + "x" + W);
        }
        long D = (long) C * H * W;
        if (images.length == 0 || images.length % D != 0) {
            throw new IllegalArgumentException("images.length " + images.length
                    + " is not a positive multiple of C*H*W = " + D);
        }
        int N = (int) (images.length / D);
        for (int i = 0; i < images.length; i++) {
            float v = images[i];
            // NaN fails both comparisons' negation: !(v >= 0) is true for NaN
            if (unitRange ? !(v >= 0f && v <= 1f) : !Float.isFinite(v)) {
                throw new IllegalArgumentException("image " + (i / D) + ", value " + (i % D)
                        + ": expected a " + (unitRange ? "value in [0, 1]" : "finite value") + ", found " + v);
            }
        }
        int maxLabel = -1;
        if (labels != null) {
            if (labels.length != N) {
                throw new IllegalArgumentException("expected " + Counts.of(N, "label") + ", found " + labels.length);
            }
            for (int n = 0; n < N; n++) {
                if (labels[n] < 0) {
                    throw new IllegalArgumentException("label " + n + ": expected >= 0, found " + labels[n]);
                }
                maxLabel = Math.max(maxLabel, labels[n]);
            }
        }
        this.name = name;
        this.N = N;
        this.C = C;
        this.H = H;
        this.W = W;
        if (labels == null && numClasses > 0) {
            throw new IllegalArgumentException("an unlabeled set has no classes, got numClasses " + numClasses);
        }
        if (numClasses >= 0 && maxLabel >= numClasses) {
            throw new IllegalArgumentException("label " + maxLabel + " is not below the number of classes " + numClasses);
        }
        this.images = images;
        this.labels = labels;
        this.numClasses = numClasses >= 0 ? numClasses : maxLabel + 1;
        if (!classNames.isEmpty() && classNames.size() != this.numClasses) {
            throw new IllegalArgumentException("expected one class name per class (" + this.numClasses + "), got "
                    + classNames.size() + ": " + classNames);
        }
        this.classNames = List.copyOf(classNames);
        this.fileNames = List.of();
    }

    /** d with other class names and file names (d's arrays shared, nothing else checked again). */
    private Dataset(Dataset d, List<String> classNames, List<String> fileNames) {
        if (!classNames.isEmpty() && classNames.size() != d.numClasses) {
            throw new IllegalArgumentException("expected one class name per class (" + d.numClasses + "), got "
                    + classNames.size() + ": " + classNames);
        }
        this.name = d.name;
        this.N = d.N;
        this.C = d.C;
        this.H = d.H;
        this.W = d.W;
        this.images = d.images;
        this.labels = d.labels;
        this.numClasses = d.numClasses;
        this.classNames = List.copyOf(classNames);
        this.fileNames = List.copyOf(fileNames);
    }

    /** A data set with unit-range images, checked like the public constructors, with d's class names (not its file names). */
    private Dataset(Dataset d, float[] images, int C, int H, int W, int[] labels, int numClasses, String name) {
        this(name, C, H, W, images, labels, numClasses, true, d.classNames);
    }

    /** The data set's name, e.g. "mnist", "shapes" or an image folder's name. */
    public String name() {
        return name;
    }

    /** N, the number of images (at least 1). */
    public int size() {
        return N;
    }

    /** C, channels per image. */
    public int channels() {
        return C;
    }

    /** H, rows per image. */
    public int height() {
        return H;
    }

    /** W, columns per image. */
    public int width() {
        return W;
    }

    /** C*H*W, the number of values per image. */
    public int imageSize() {
        return C * H * W;
    }

    /** All pixels, NCHW, length N*C*H*W, values in [0, 1] (any finite value for {@link #ofVectors} sets). Shared: read only. */
    public float[] images() {
        return images;
    }

    /** The N labels, or null when unlabeled. Shared: read only. */
    public int[] labels() {
        return labels;
    }

    /** Whether {@link #labels()} is non-null. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The number of classes of the set (given, or max label + 1), 0 when unlabeled. */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The name of each class by label ({@code classNames().get(k)} names label k): the shapes, the digits
     * "0" to "9", Fashion-MNIST's articles, an image folder's sub-folder names; empty when the set has no labels
     * or its classes have no names.
     */
    public List<String> classNames() {
        return classNames;
    }

    /** The name of class {@code label}, or the label as a number when the classes have no names. */
    public String className(int label) {
        return label >= 0 && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
    }

    /**
     * The same data with names for its classes, one per class (label k gets {@code names.get(k)}); an empty
     * list removes them.
     *
     * @throws IllegalArgumentException if the set has no labels, or the count is not {@link #numClasses()}
     */
    public Dataset withClassNames(List<String> names) {
        if (!java.util.Objects.requireNonNull(names, "names").isEmpty() && labels == null) {
            throw new IllegalArgumentException("an unlabeled set has no classes to name, got " + names);
        }
        for (String n : names) {
            if (n == null || n.isEmpty()) {
                throw new IllegalArgumentException("class names must be non-empty, got " + names);
            }
        }
        return new Dataset(this, names, fileNames);
    }

    /**
     * Each image's file, by index: an image folder's path below the folder ({@link ImageStream#fileNames}); empty for
     * a set whose images share a file (the named sets) or were made in memory.
     */
    public List<String> fileNames() {
        return fileNames;
    }

    /**
     * The same data with a file name for each image (what {@code predictions.csv}'s {@code file} column shows); an
     * empty list removes them.
     *
     * @throws IllegalArgumentException if the count is not {@link #size()} or a name is empty
     */
    public Dataset withFileNames(List<String> names) {
        if (!java.util.Objects.requireNonNull(names, "names").isEmpty() && names.size() != N) {
            throw new IllegalArgumentException("expected one file name per image (" + N + "), got " + names.size());
        }
        for (String n : names) {
            if (n == null || n.isEmpty()) {
                throw new IllegalArgumentException("file names must be non-empty");
            }
        }
        return new Dataset(this, classNames, names);
    }

    /** Image n's C*H*W values, copied. */
    public float[] image(int n) {
        if (n < 0 || n >= N) {
            throw new IndexOutOfBoundsException("image " + n + " of " + N);
        }
        int D = imageSize();
        return Arrays.copyOfRange(images, n * D, (n + 1) * D);
    }

    /** How many images carry each label 0..numClasses-1 (a new array); empty when unlabeled. */
    public int[] labelCounts() {
        int[] counts = new int[numClasses];
        if (labels != null) {
            for (int label : labels) {
                counts[label]++;
            }
        }
        return counts;
    }

    /** Images from (inclusive) to to (exclusive), copied, with their labels; from &lt; to. */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > N || from >= to) {
            throw new IllegalArgumentException("subset [" + from + ", " + to + ") of " + N + " images");
        }
        int D = imageSize();
        float[] x = Arrays.copyOfRange(images, from * D, to * D);
        int[] y = labels == null ? null : Arrays.copyOfRange(labels, from, to);
        Dataset d = new Dataset(this, x, C, H, W, y, numClasses, name);
        return fileNames.isEmpty() ? d : d.withFileNames(fileNames.subList(from, to));
    }

    /** The same labels and name with other images (e.g. resized); N must not change. */
    public Dataset withImages(int C, int H, int W, float[] images) {
        if ((long) C * H * W * N != java.util.Objects.requireNonNull(images, "images").length) {
            throw new IllegalArgumentException("expected " + N + " images of " + C + "x" + H + "x" + W
                    + " values, found " + images.length + " values");
        }
        return new Dataset(this, images, C, H, W, labels, numClasses, name).withFileNames(fileNames);
    }

    /** The same data under another name. */
    public Dataset withName(String name) {
        return new Dataset(this, images, C, H, W, labels, numClasses, name).withFileNames(fileNames);
    }

    /**
     * a's images then b's, under a new name. Both must have the same shape and both or neither labels. The class
     * names are kept when both sets have the same ones, the file names when both sets have them.
     */
    public static Dataset concat(String name, Dataset a, Dataset b) {
        java.util.Objects.requireNonNull(a, "a");
        java.util.Objects.requireNonNull(b, "b");
        if (a.C != b.C || a.H != b.H || a.W != b.W) {
            throw new IllegalArgumentException("cannot concatenate " + a + " and " + b + ": shapes differ");
        }
        if (a.hasLabels() != b.hasLabels()) {
            throw new IllegalArgumentException("cannot concatenate " + a + " and " + b + ": labels on one only");
        }
        float[] x = Arrays.copyOf(a.images, a.images.length + b.images.length);
        System.arraycopy(b.images, 0, x, a.images.length, b.images.length);
        int[] y = null;
        if (a.hasLabels()) {
            y = Arrays.copyOf(a.labels, a.N + b.N);
            System.arraycopy(b.labels, 0, y, a.N, b.N);
        }
        int classes = Math.max(a.numClasses, b.numClasses);
        List<String> names = a.classNames.equals(b.classNames) && a.classNames.size() == classes ? a.classNames : List.of();
        Dataset d = new Dataset(name, a.C, a.H, a.W, x, y, classes, true, names);
        if (a.fileNames.isEmpty() || b.fileNames.isEmpty()) {
            return d;
        }
        List<String> files = new java.util.ArrayList<>(a.fileNames);
        files.addAll(b.fileNames);
        return d.withFileNames(files);
    }

    /**
     * N·C·H·W, the length of the one float array of N images of C×H×W, checked before a reader allocates it: a set
     * larger than one Java array holds is a DatasetException naming the set and the way out, not a
     * NegativeArraySizeException or an OutOfMemoryError. The way out is named in the library's words (the readers'
     * {@code limit} argument) and the command line's ({@code --limit}): a library caller has no --limit.
     */
    public static int arrayLength(String name, int N, int C, int H, int W) {
        long values = (long) N * C * H * W;
        if (values > Integer.MAX_VALUE - 64) {
            throw new DatasetException(name + ": " + N + " images of " + C + "x" + H + "x" + W
                    + " are " + values + " values, more than one array holds (2^31): use fewer images (a smaller"
                    + " limit: the limit argument of the reader or of Datasets.open, --limit on the command line)");
        }
        return (int) values;
    }

    /**
     * A new float array for N images of C×H×W, {@link #arrayLength checked}, that names the set when the Java heap
     * cannot hold it: a claim larger than the heap's limit ({@code -Xmx}) is refused before anything is allocated, and
     * an allocation that finds too little of the heap free is a DatasetException with the same advice, not an
     * OutOfMemoryError. The array is allocated once, before the images are decoded into it.
     */
    public static float[] newImageArray(String name, int N, int C, int H, int W) {
        return newImageArray(name, N, C, H, W, Runtime.getRuntime().maxMemory());
    }

    /** {@link #newImageArray(String, int, int, int, int)} against a heap limit of maxHeapBytes. */
    static float[] newImageArray(String name, int N, int C, int H, int W, long maxHeapBytes) {
        int values = arrayLength(name, N, C, H, W);
        long bytes = 4L * values;
        if (bytes > maxHeapBytes) {
            throw new DatasetException(heapMessage(name, N, C, H, W, bytes, "this JVM's heap holds at most " + mb(maxHeapBytes)));
        }
        try {
            return new float[values];
        } catch (OutOfMemoryError e) {
            throw new DatasetException(heapMessage(name, N, C, H, W, bytes, "the heap does not have them free"
                    + (maxHeapBytes == Long.MAX_VALUE ? "" : " (its limit: " + mb(maxHeapBytes) + ")")), e);
        }
    }

    private static String heapMessage(String name, int N, int C, int H, int W, long bytes, String why) {
        return name + ": " + org.dcec4j.datasets.cli.Counts.of(N, "image") + " of " + C + "x" + H + "x" + W + (N == 1 ? " needs " : " need ")
                + mb(bytes) + " as floats and " + why + ": give java a larger heap (-Xmx), or read fewer images (a smaller"
                + " limit: the limit argument of the reader or of Datasets.open, --limit on the command line)";
    }

    /** Bytes in MB (10^6) with one decimal, or in bytes below 1 MB. */
    private static String mb(long bytes) {
        return bytes < 1_000_000 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Override
    public String toString() {
        return name + " (" + N + " x " + C + "x" + H + "x" + W
                + (labels == null ? ", unlabeled)" : ", " + Counts.of(numClasses, "class", "classes") + ")");
    }
}
