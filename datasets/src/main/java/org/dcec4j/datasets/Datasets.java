package org.dcec4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads data sets by name or from a folder of images.
 *
 * <table>
 * <caption>Named sets</caption>
 * <tr><th>name</th><th>N</th><th>image</th><th>files (under a data folder)</th></tr>
 * <tr><td>mnist</td><td>70,000 (train then test)</td><td>1×28×28</td><td>mnist/*-idx?-ubyte.gz</td></tr>
 * <tr><td>mnist-test</td><td>10,000</td><td>1×28×28</td><td>mnist/t10k-*.gz</td></tr>
 * <tr><td>usps</td><td>9,298 (train then test)</td><td>1×16×16</td><td>usps/usps_{train,test}.jf or usps/zip.{train,test}.gz</td></tr>
 * <tr><td>fashion-mnist</td><td>70,000 (train then test)</td><td>1×28×28</td><td>fashion-mnist/*.gz</td></tr>
 * <tr><td>shapes</td><td>10,000</td><td>1×28×28</td><td>none: generated ({@link Shapes})</td></tr>
 * </table>
 */
public final class Datasets {
    /** Default image folder geometry when none is given: grayscale 28×28. */
    public static final int FOLDER_C = 1;
    public static final int FOLDER_H = 28;
    public static final int FOLDER_W = 28;

    static final List<String> MNIST_TRAIN = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
    static final List<String> MNIST_TEST = List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    static final List<String> USPS_JF = List.of("usps_train.jf", "usps_test.jf");
    static final List<String> USPS_ESL = List.of("zip.train.gz", "zip.test.gz");

    private Datasets() {
    }

    /** The built-in names, in a stable order. */
    public static List<String> names() {
        return List.of("mnist", "mnist-test", "usps", "fashion-mnist", "shapes");
    }

    /** The folder (under a data directory) holding a named set's files, or null for shapes. */
    public static String dirOf(String name) {
        switch (name) {
            case "mnist":
            case "mnist-test":
                return "mnist";
            case "usps":
                return "usps";
            case "fashion-mnist":
                return "fashion-mnist";
            default:
                return null;
        }
    }

    /** The files a named set reads, in order (for usps, the .jf pair; the ESL pair is the alternative). */
    public static List<String> filesOf(String name) {
        switch (name) {
            case "mnist":
            case "fashion-mnist":
                return List.of(MNIST_TRAIN.get(0), MNIST_TRAIN.get(1), MNIST_TEST.get(0), MNIST_TEST.get(1));
            case "mnist-test":
                return MNIST_TEST;
            case "usps":
                return USPS_JF;
            default:
                return List.of();
        }
    }

    /** A named set, or a folder of images as grayscale 28×28. */
    public static Dataset load(String nameOrFolder, DataSource source) {
        return load(nameOrFolder, source, FOLDER_C, FOLDER_H, FOLDER_W);
    }

    /** The number of classes of every named set (ten digits, ten garments, ten shapes). */
    public static final int NAMED_CLASSES = 10;

    /** The digits' names, for MNIST and USPS: label k is the digit k. */
    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** Fashion-MNIST's articles by label, as its authors name them. */
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    /**
     * The class names of a named set by label (the digits, Fashion-MNIST's articles, {@link Shapes#CLASS_NAMES});
     * empty for any other name. The sets {@link #open} returns carry them ({@link Dataset#classNames()}), a folder
     * its sub-folders' names.
     */
    public static List<String> classNames(String name) {
        switch (name) {
            case "mnist":
            case "mnist-test":
            case "usps":
                return DIGITS;
            case "fashion-mnist":
                return FASHION;
            case "shapes":
                return Shapes.CLASS_NAMES;
            default:
                return List.of();
        }
    }

    /**
     * A named set, or a folder of images resized to C×H×W (C, H, W apply to folders only).
     *
     * @throws DatasetException for an unknown name, missing files that cannot be fetched, or bad files
     */
    public static Dataset load(String nameOrFolder, DataSource source, int C, int H, int W) {
        try (ImageStream s = open(nameOrFolder, source, C, H, W, Integer.MAX_VALUE)) {
            return s.readAll();
        }
    }

    /**
     * The first {@code limit} images of a named set or a folder, read when asked (see {@link ImageStream}); all of them,
     * without a word, when the set holds fewer ({@link ImageStream#size} says how many: a caller that took the limit from
     * its user should tell them, as the dcec commands do):
     * IDX and USPS files are read only as far as those images, a folder's other images are never decoded.
     * The named sets' {@link ImageStream#numClasses} is 10 however few images are read. The stream carries the
     * class names ({@link #classNames(String)}; a labelled folder's sub-folder names).
     *
     * @throws DatasetException for an unknown name, missing files that cannot be fetched, or bad files
     */
    public static ImageStream open(String nameOrFolder, DataSource source, int C, int H, int W, int limit) {
        ImageStream s = openImages(nameOrFolder, source, C, H, W, limit);
        List<String> names = classNames(nameOrFolder);
        return names.isEmpty() || s.labels() == null ? s : s.withClassNames(names);
    }

    /** {@link #open} without the named sets' class names. */
    private static ImageStream openImages(String nameOrFolder, DataSource source, int C, int H, int W, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        switch (nameOrFolder) {
            case "mnist":
            case "fashion-mnist":
                return trainThenTest(nameOrFolder, source, limit);
            case "mnist-test":
                return idx("mnist-test", source, MNIST_TEST, limit);
            case "usps":
                Dataset u = usps(source, limit);
                return ImageStream.of(u.size() > limit ? u.subset(0, limit) : u);
            case "shapes":
                Dataset d = Shapes.generate(Shapes.DEFAULT_N, Shapes.DEFAULT_SEED);
                return ImageStream.of(d.size() > limit ? d.subset(0, limit) : d);
            default:
                Path folder = Path.of(nameOrFolder);
                if (Files.isDirectory(folder)) {
                    return ImageFolder.stream(folder, C, H, W, limit);
                }
                throw new DatasetException(nameOrFolder + ": expected one of " + names()
                        + " or a folder of images, found neither");
        }
    }

    private static ImageStream idx(String name, DataSource source, List<String> files, int limit) {
        List<Path> p = source.requireAll(name, dirOf(name), files);
        try {
            return mnistSize(IdxReader.stream(name, p.get(0), p.get(1), NAMED_CLASSES, limit), name, p.get(0));
        } catch (DatasetException e) {
            throw swapped(e, name, p);
        }
    }

    /** The training file's images, then (when the limit reaches past them) the test file's. */
    private static ImageStream trainThenTest(String name, DataSource source, int limit) {
        List<Path> p = source.requireAll(name, dirOf(name), filesOf(name));
        try {
            return mnistSize(IdxReader.stream(name, List.of(p.get(0), p.get(2)), List.of(p.get(1), p.get(3)), NAMED_CLASSES, limit),
                    name, p.get(0));
        } catch (DatasetException e) {
            throw swapped(e, name, p);
        }
    }

    /**
     * e, with ": this is the content of t10k-labels-idx1-ubyte.gz" added when the file it names holds another known file's
     * content (a swapped file; {@link Checksums#contentOf}); hashed only on this failure, loading does not hash.
     */
    private static DatasetException swapped(DatasetException e, String name, List<Path> files) {
        for (Path f : files) {
            if (e.getMessage() != null && e.getMessage().startsWith(f + ":")) {
                String note = Checksums.contentNote(f, KnownFile.find(dirOf(name), f.getFileName().toString()));
                return note.isEmpty() ? e : new DatasetException(e.getMessage() + note, e);
            }
        }
        return e;
    }

    /** The side of the images of mnist, mnist-test and fashion-mnist. */
    static final int MNIST_SIDE = 28;

    /**
     * s, read from the IDX image file f (the first; later files must match it), when its images are 28×28 (an IDX
     * file can hold any size; under the names mnist, mnist-test and fashion-mnist it must hold the 28×28 images).
     */
    private static ImageStream mnistSize(ImageStream s, String name, Path f) {
        if (s.height() != MNIST_SIDE || s.width() != MNIST_SIDE) {
            s.close();
            throw DatasetException.at(f, "bytes 8..15", "the " + name + " image size " + MNIST_SIDE + "x" + MNIST_SIDE,
                    s.height() + "x" + s.width());
        }
        return s;
    }

    private static Dataset usps(DataSource source, int limit) {
        Path train = source.locate("usps", USPS_JF.get(0));
        Path test = source.locate("usps", USPS_JF.get(1));
        boolean esl = false;
        if (train == null || test == null) {
            Path eslTrain = source.locate("usps", USPS_ESL.get(0));
            Path eslTest = source.locate("usps", USPS_ESL.get(1));
            if (eslTrain != null && eslTest != null) {
                train = eslTrain;
                test = eslTest;
                esl = true;
            } else {
                List<Path> p = source.requireAll("usps", "usps", USPS_JF);
                train = p.get(0);
                test = p.get(1);
            }
        }
        Dataset a = esl ? UspsReader.readEsl("usps", train, limit) : uspsDigits(UspsReader.readJf("usps", train, limit), train);
        if (a.size() >= limit) {
            return a;
        }
        Dataset b = esl ? UspsReader.readEsl("usps", test, limit - a.size())
                        : uspsDigits(UspsReader.readJf("usps", test, limit - a.size()), test);
        return Dataset.concat("usps", a, b);
    }

    /**
     * d, read from the .jf file f, when its header is USPS's '10 256' (a .jf file can declare other class and feature
     * counts; under the name usps it must hold the 16×16 digits of 10 classes).
     */
    private static Dataset uspsDigits(Dataset d, Path f) {
        if (d.numClasses() != NAMED_CLASSES || d.height() != 16 || d.width() != 16) {
            throw DatasetException.at(f, "line 1", "the USPS header '10 256' (10 classes, 16x16 pixels)",
                    "'" + d.numClasses() + " " + d.imageSize() + "'");
        }
        return d;
    }
}
