package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / (float) (n - 1);
        }
        return x;
    }

    @Test
    void shapeAndLabels() {
        Dataset d = new Dataset("t", 2, 3, 4, ramp(3 * 24), new int[] {0, 4, 2});
        assertEquals(3, d.size());
        assertEquals(24, d.imageSize());
        assertEquals(5, d.numClasses());
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, d.labelCounts());
        assertTrue(d.hasLabels());
        assertEquals(ramp(72)[24], d.image(1)[0]);
    }

    @Test
    void unlabeledHasZeroClasses() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(8), null);
        assertFalse(d.hasLabels());
        assertNull(d.labels());
        assertEquals(0, d.numClasses());
        assertEquals(0, d.labelCounts().length);
    }

    @Test
    void invariantsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[7], null));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[0], null));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[8], new int[3]));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[4], new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 0, 2, 2, new float[4], null));
        float[] nan = new float[4];
        nan[2] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, nan, null));
        float[] big = new float[4];
        big[3] = 1.0001f;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, big, null));
        float[] negative = new float[4];
        negative[0] = -0.0001f;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, negative, null));
    }

    @Test
    void subsetAndConcatAgree() {
        float[] x = ramp(5 * 4);
        Dataset d = new Dataset("t", 1, 2, 2, x, new int[] {0, 1, 2, 3, 4});
        Dataset a = d.subset(0, 2);
        Dataset b = d.subset(2, 5);
        assertEquals(2, a.size());
        assertArrayEquals(new int[] {2, 3, 4}, b.labels());
        Dataset c = Dataset.concat("t", a, b);
        assertArrayEquals(x, c.images());
        assertArrayEquals(d.labels(), c.labels());
        assertThrows(IllegalArgumentException.class, () -> d.subset(3, 3));
        assertThrows(IllegalArgumentException.class, () -> d.subset(0, 6));
    }

    @Test
    void classNamesTravelWithTheData() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(5 * 4), new int[] {0, 1, 2, 1, 0});
        assertEquals(List.of(), d.classNames());
        assertEquals("2", d.className(2));
        Dataset named = d.withClassNames(List.of("disk", "square", "ring"));
        assertEquals(List.of("disk", "square", "ring"), named.classNames());
        assertEquals("square", named.className(1));
        assertEquals("7", named.className(7), "a label without a name is written as its number");
        // the arrays are shared, not copied (the names are all that changed)
        assertTrue(named.images() == d.images() && named.labels() == d.labels());
        // every derived set keeps them
        assertEquals(named.classNames(), named.subset(1, 3).classNames());
        assertEquals(named.classNames(), named.withName("u").classNames());
        assertEquals(named.classNames(), named.withImages(1, 1, 4, ramp(20)).classNames());
        assertEquals(named.classNames(), Dataset.concat("c", named.subset(0, 2), named.subset(2, 5)).classNames());
        // two sets with different names: the concatenation has none
        Dataset other = d.withClassNames(List.of("a", "b", "c"));
        assertEquals(List.of(), Dataset.concat("c", named.subset(0, 2), other.subset(2, 5)).classNames());
        // one name per class, non-empty, labelled sets only
        assertThrows(IllegalArgumentException.class, () -> d.withClassNames(List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> d.withClassNames(List.of("a", "", "c")));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("u", 1, 2, 2, ramp(8), null).withClassNames(List.of("a")));
        assertEquals(List.of(), named.withClassNames(List.of()).classNames());
    }

    @Test
    void streamsCarryClassNames() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(3 * 4), new int[] {0, 1, 1}).withClassNames(List.of("x", "y"));
        try (ImageStream s = ImageStream.of(d)) {
            assertEquals(List.of("x", "y"), s.classNames());
            assertEquals(List.of("x", "y"), s.readAll().classNames());
        }
        Dataset plain = new Dataset("t", 1, 2, 2, ramp(3 * 4), new int[] {0, 1, 1});
        try (ImageStream s = ImageStream.of(plain).withClassNames(List.of("p", "q"))) {
            assertEquals(List.of("p", "q"), s.classNames());
            float[] x = new float[8];
            assertEquals(2, s.read(x, 0, 2));
            assertArrayEquals(java.util.Arrays.copyOf(plain.images(), 8), x);
        }
        try (ImageStream s = ImageStream.of(plain).withClassNames(List.of("p", "q"))) {
            Dataset all = s.readAll();
            assertEquals(List.of("p", "q"), all.classNames());
            assertArrayEquals(plain.images(), all.images());
        }
        assertThrows(IllegalArgumentException.class, () -> ImageStream.of(plain).withClassNames(List.of("p")));
    }

    /** The named sets name their classes: shapes by Shapes.CLASS_NAMES (read here, so a redesign stays consistent). */
    @Test
    void namedSetsNameTheirClasses() {
        try (ImageStream s = Datasets.open("shapes", DataSource.of(List.of(), java.nio.file.Path.of("unused")), 1, 28, 28, 30)) {
            Dataset d = s.readAll();
            assertEquals(Shapes.CLASS_NAMES, d.classNames());
            assertEquals(d.numClasses(), d.classNames().size());
            assertEquals(Shapes.CLASS_NAMES.get(d.labels()[0]), d.className(d.labels()[0]));
        }
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Datasets.classNames("mnist"));
        assertEquals(Datasets.classNames("mnist"), Datasets.classNames("mnist-test"));
        assertEquals(Datasets.classNames("mnist"), Datasets.classNames("usps"));
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
                Datasets.classNames("fashion-mnist"));
        assertEquals(List.of(), Datasets.classNames("some/folder"));
        for (String name : Datasets.names()) {
            assertEquals(Datasets.NAMED_CLASSES, Datasets.classNames(name).size(), name);
        }
    }

    /** File names follow their images through every derived set, and a count that is not N is refused. */
    @Test
    void fileNamesFollowTheirImages() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(16), new int[] {0, 1, 0, 1}).withFileNames(List.of("a/0.png", "a/1.png", "b/2.png", "b/3.png"));
        assertEquals(List.of("a/1.png", "b/2.png"), d.subset(1, 3).fileNames());
        assertEquals(d.fileNames(), d.withClassNames(List.of("x", "y")).fileNames());
        assertEquals(d.fileNames(), d.withName("u").fileNames());
        assertEquals(d.fileNames(), d.withImages(1, 1, 4, ramp(16)).fileNames());
        assertEquals(List.of("a/0.png", "a/1.png", "b/2.png", "b/3.png", "b/2.png", "b/3.png"),
                Dataset.concat("c", d, d.subset(2, 4)).fileNames());
        assertEquals(List.of(), Dataset.concat("c", d, d.withFileNames(List.of())).fileNames(), "names on one side only: none");
        assertEquals(List.of(), new Dataset("t", 1, 2, 2, ramp(16), null).fileNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withFileNames(List.of("a.png")));
        assertEquals("expected one file name per image (4), got 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withFileNames(java.util.Arrays.asList("a", "", "b", "c")));
    }

    /**
     * A set in memory read as a stream names its images' files as the set does (ImageStream.of gave none, though its
     * readAll kept them: predict and embed read their images a batch at a time, by the stream's names).
     */
    @Test
    void streamsOfASetInMemoryCarryItsFileNames() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(12), new int[] {0, 1, 1}).withFileNames(List.of("a.png", "b.png", "c.png"));
        try (ImageStream s = ImageStream.of(d)) {
            assertEquals(d.fileNames(), s.fileNames());
            assertEquals(d.fileNames(), s.readAll().fileNames());
        }
        try (ImageStream s = ImageStream.of(d).withClassNames(List.of("p", "q"))) {
            assertEquals(d.fileNames(), s.fileNames());
        }
        try (ImageStream s = ImageStream.of(new Dataset("t", 1, 2, 2, ramp(12), null))) {
            assertEquals(List.of(), s.fileNames());
        }
    }

    /** One class reads "1 class", one image or label "1 image", "1 label" (they said "1 classes", "1 images of 0x2", "1 labels"). */
    @Test
    void aCountOfOneIsSingular() {
        org.junit.jupiter.api.Assertions.assertEquals("d (1 x 1x1x2, 1 class)", new Dataset("d", 1, 1, 2, new float[2], new int[] {0}, 1).toString());
        IdxReader.Idx empty = IdxReader.parse("f", Fixtures.idx(new int[] {1, 0, 2}, new byte[0]));
        String m = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class,
                () -> IdxReader.toDataset("t", "f", empty, null, null)).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.endsWith("found 1 image of 0x2"), m);
        m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Dataset("d", 1, 1, 2, new float[2], new int[] {0, 1}, 2)).getMessage();
        org.junit.jupiter.api.Assertions.assertEquals("expected 1 label, found 2", m);
    }

    /**
     * The one array of a set, against a heap limit: 1,000 images of 28x28 are 3,136,000 bytes of floats, refused
     * under a 3 MB limit naming the set, the size and the two ways out, allocated under 4 MB. A claim that passes the
     * limit but finds too little of the heap free (an 8.6 GB array under this JVM's real heap, given a limit it
     * does not have) is the same kind of error, not an OutOfMemoryError.
     */
    @Test
    void theImageArrayNamesTheSetWhenTheHeapCannotHoldIt() {
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.newImageArray("t", 1000, 1, 28, 28, 3_000_000));
        assertEquals("t: 1000 images of 1x28x28 need 3.1 MB as floats and this JVM's heap holds at most 3.0 MB: give java a"
                + " larger heap (-Xmx), or read fewer images (a smaller limit: the limit argument of the reader or of"
                + " Datasets.open, --limit on the command line)", e.getMessage());
        assertEquals(784_000, Dataset.newImageArray("t", 1000, 1, 28, 28, 4_000_000).length);
        assertEquals("t: 1 image of 1x28x28 needs 3136 bytes as floats and this JVM's heap holds at most 3000 bytes: give java a"
                + " larger heap (-Xmx), or read fewer images (a smaller limit: the limit argument of the reader or of"
                + " Datasets.open, --limit on the command line)",
                assertThrows(DatasetException.class, () -> Dataset.newImageArray("t", 1, 1, 28, 28, 3000)).getMessage());

        int N = (Integer.MAX_VALUE - 64) / 784;                 // 2,739,137 images, 8.59 GB of floats
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 4L * N * 784,
                "the heap (-Xmx) can hold 8.6 GB: an allocation that fails cannot be provoked");
        e = assertThrows(DatasetException.class, () -> Dataset.newImageArray("big", N, 1, 28, 28, Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("big: 2739137 images of 1x28x28 need 8589.9 MB as floats"
                + " and the heap does not have them free"), e.getMessage());
        assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
    }

    /**
     * A null argument is a NullPointerException whose message is its name, as docs/library.md#errors says of the
     * library: the constructor's were IllegalArgumentExceptions ("images must not be null", "name must be non-empty"),
     * and withFileNames, withClassNames, withImages and concat threw the JDK's own ("Cannot read field "C" because "b"
     * is null").
     */
    @Test
    void aNullArgumentIsANullPointerExceptionNamingIt() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(8), new int[] {0, 1});
        Object[][] calls = {
                {"name", (org.junit.jupiter.api.function.Executable) () -> new Dataset(null, 1, 2, 2, ramp(4), null)},
                {"images", (org.junit.jupiter.api.function.Executable) () -> new Dataset("t", 1, 2, 2, null, null)},
                {"images", (org.junit.jupiter.api.function.Executable) () -> new Dataset("t", 1, 2, 2, null, null, 2)},
                {"values", (org.junit.jupiter.api.function.Executable) () -> Dataset.ofVectors("v", 3, null, null)},
                {"names", (org.junit.jupiter.api.function.Executable) () -> d.withFileNames(null)},
                {"names", (org.junit.jupiter.api.function.Executable) () -> d.withClassNames(null)},
                {"images", (org.junit.jupiter.api.function.Executable) () -> d.withImages(1, 2, 2, null)},
                {"a", (org.junit.jupiter.api.function.Executable) () -> Dataset.concat("c", null, d)},
                {"b", (org.junit.jupiter.api.function.Executable) () -> Dataset.concat("c", d, null)}};
        for (Object[] call : calls) {
            assertEquals(call[0], assertThrows(NullPointerException.class, (org.junit.jupiter.api.function.Executable) call[1]).getMessage());
        }
        assertEquals("name must be non-empty", assertThrows(IllegalArgumentException.class, () -> new Dataset("", 1, 2, 2, ramp(4), null)).getMessage());
    }
}
