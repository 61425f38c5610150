package org.dcec4j.datasets;

import java.util.List;

/**
 * A data set read in order, a few images at a time: the geometry and the labels up front, the pixels on
 * demand. Inference over a set (predict, embed, evaluate) then needs memory for one batch, not for the set;
 * {@link #readAll} builds the whole {@link Dataset} when the work needs every image at once (training).
 * Errors in the data are {@link DatasetException}s, thrown when the bad part is read.
 */
public interface ImageStream extends AutoCloseable {
    /** The data set's name. */
    String name();

    /** N, the number of images the stream yields (after any limit). */
    int size();

    /** C. */
    int channels();

    /** H. */
    int height();

    /** W. */
    int width();

    /** C*H*W, the values per image. */
    default int imageSize() {
        return channels() * height() * width();
    }

    /** The N labels (4 bytes an image, read up front), or null when unlabeled. Shared: read only. */
    int[] labels();

    /**
     * The number of classes of the data set (10 for the named sets, the class sub-folders of a folder), which
     * the loaded labels may not all reach; 0 when unlabeled.
     */
    int numClasses();

    /** The name of each class by label, as {@link Dataset#classNames()}; empty when unknown. */
    default List<String> classNames() {
        return List.of();
    }

    /**
     * Each image's file, in the order the images are read: its path below an image folder with '/' between the parts
     * (the path the folder's images are sorted by, {@code cat/0001.png}); empty for a set whose images share one file
     * (the named sets). Built when asked for, a name at a time.
     */
    default List<String> fileNames() {
        return List.of();
    }

    /**
     * Reads the next images, at most {@code max}, into x from {@code offset} on (count·C·H·W values written);
     * returns the count, 0 after the last image.
     */
    int read(float[] x, int offset, int max);

    /** Releases the files behind the stream. */
    @Override
    void close();

    /** Every image as one Dataset: call it instead of {@link #read}, not after (closes nothing). */
    default Dataset readAll() {
        float[] x = Dataset.newImageArray(name(), size(), channels(), height(), width());
        int done = 0;
        for (int r; done < size() && (r = read(x, done * imageSize(), size() - done)) > 0; ) {
            done += r;
        }
        if (done != size()) {
            throw new IllegalStateException(name() + ": the stream ended after " + done + " of " + org.dcec4j.datasets.cli.Counts.of(size(), "image"));
        }
        Dataset d = new Dataset(name(), channels(), height(), width(), x, labels(), numClasses()).withFileNames(fileNames());
        return classNames().isEmpty() ? d : d.withClassNames(classNames());
    }

    /**
     * This stream with names for its classes (one per class, see {@link Dataset#withClassNames}): every other
     * call goes to this stream.
     */
    default ImageStream withClassNames(List<String> names) {
        ImageStream s = this;
        if (s.labels() == null || names.size() != s.numClasses()) {
            throw new IllegalArgumentException(s.name() + ": expected one class name per class (" + s.numClasses() + "), got " + names);
        }
        List<String> copy = List.copyOf(names);
        return new ImageStream() {
            @Override public String name() { return s.name(); }
            @Override public int size() { return s.size(); }
            @Override public int channels() { return s.channels(); }
            @Override public int height() { return s.height(); }
            @Override public int width() { return s.width(); }
            @Override public int[] labels() { return s.labels(); }
            @Override public int numClasses() { return s.numClasses(); }
            @Override public List<String> classNames() { return copy; }
            @Override public List<String> fileNames() { return s.fileNames(); }
            @Override public int read(float[] x, int offset, int max) { return s.read(x, offset, max); }
            @Override public Dataset readAll() { return s.readAll().withClassNames(copy); }
            @Override public void close() { s.close(); }
        };
    }

    /** The images of a data set already in memory. */
    static ImageStream of(Dataset d) {
        return new ImageStream() {
            private int next;

            @Override public String name() { return d.name(); }
            @Override public int size() { return d.size(); }
            @Override public int channels() { return d.channels(); }
            @Override public int height() { return d.height(); }
            @Override public int width() { return d.width(); }
            @Override public int[] labels() { return d.labels(); }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public List<String> classNames() { return d.classNames(); }
            @Override public List<String> fileNames() { return d.fileNames(); }

            @Override public int read(float[] x, int offset, int max) {
                int n = Math.min(max, d.size() - next);
                System.arraycopy(d.images(), next * d.imageSize(), x, offset, n * d.imageSize());
                next += n;
                return n;
            }

            @Override public Dataset readAll() {
                if (next != 0) {
                    throw new IllegalStateException("readAll after read");
                }
                return d;
            }

            @Override public void close() {
            }
        };
    }
}
