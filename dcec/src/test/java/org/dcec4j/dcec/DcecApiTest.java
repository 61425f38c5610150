package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.train.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library facade's contracts between images and feature vectors, and its builder. */
class DcecApiTest {
    static final Dataset IMAGES = Shapes.generate(40, 1, 16);

    @Test void predictVectorsRefusesAModelFittedOnImages() {
        DcecModel m = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build().fit(IMAGES);
        float[][] x = new float[2][256];
        Arrays.fill(x[0], 255f);
        Arrays.fill(x[1], -1e6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(x));
        assertTrue(e.getMessage().startsWith("vectors:") && e.getMessage().contains("1x16x16 images"), e.getMessage());
        // its images in [0, 1] as rows are not feature vectors either: predict takes them
        float[][] rows = {IMAGES.image(0), IMAGES.image(1)};
        assertThrows(IllegalArgumentException.class, () -> m.predictVectors(rows));
    }

    @Test void aModelFittedOnVectorsTakesFiniteValuesOfAnyRangeInEveryMethod() {
        SplittableRandom r = new SplittableRandom(3);
        int N = 30, d = 5;
        float[][] v = new float[N][d];
        float[] flat = new float[N * d];
        int[] truth = new int[N];
        for (int i = 0; i < N; i++) {
            truth[i] = i % 3;
            for (int j = 0; j < d; j++) flat[i * d + j] = v[i][j] = (float) (r.nextGaussian() * 3 + 10 * truth[i]);
        }
        Dcec dec = Dcec.builder().method(Method.DEC).clusters(3).denseDims(8, 8, 8).batchSize(16).pretrainEpochs(1)
                .kmeansRestarts(2).updateInterval(2).maxIterations(4).seed(1).build();
        DcecModel m = dec.fitVectors(v);
        // a data set of the same vectors fits the same model
        assertArrayEquals(m.toBytes(), dec.fit(Dataset.ofVectors("vectors", d, flat.clone(), null)).toBytes());
        int[] labels = m.predictVectors(v);
        assertArrayEquals(labels, m.predict(v));
        assertArrayEquals(labels, m.predict(flat, N));
        float[][] q = m.predictProba(v);
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int j = 1; j < 3; j++) if (q[i][j] > q[i][best]) best = j;
            assertEquals(labels[i], best);
        }
        assertArrayEquals(q[7], m.predictProba(flat, N)[7]);
        float[][] z = m.embed(v);
        assertEquals(N, z.length);
        assertEquals(3, z[0].length);
        assertEquals(Scores.of(truth, labels), m.score(Dataset.ofVectors("v", d, flat.clone(), truth)));
        // finite still means finite
        v[4][2] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictProba(v));
        assertTrue(e.getMessage().contains("vector 4, value 2 is NaN") && e.getMessage().contains("finite"), e.getMessage());
        // k-means on the vectors themselves as well
        DcecModel km = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build().fit(Dataset.ofVectors("v", d, flat.clone(), null));
        assertEquals(N, km.embed(flat, N).length);
    }

    /** 30 vectors of 5 values in three blobs 10 apart. */
    private static float[][] threeBlobs() {
        SplittableRandom r = new SplittableRandom(3);
        float[][] v = new float[30][5];
        for (int i = 0; i < v.length; i++)
            for (int j = 0; j < 5; j++) v[i][j] = (float) (r.nextGaussian() * 3 + 10 * (i % 3));
        return v;
    }

    /** A DEC model of K = 3 fitted in a few steps to the vectors v. */
    private static DcecModel smallVectorModel(float[][] v) {
        return Dcec.builder().method(Method.DEC).clusters(3).denseDims(8, 8, 8).batchSize(16).pretrainEpochs(1)
                .kmeansRestarts(2).updateInterval(2).maxIterations(4).seed(1).build().fitVectors(v);
    }

    /**
     * A vector model takes finite values of any range, but its encoder computes in float32: a vector of values near
     * Float.MAX_VALUE overflows it. embed returned that vector's embedding as NaN without a word, and predict and
     * predictProba blamed the model ("the model gave a non-finite assignment", an IllegalStateException); the input's
     * scale is the cause, an IllegalArgumentException naming the argument and the vector. The other vectors are unaffected.
     */
    @Test void aVectorThatOverflowsTheEncoderIsRefusedNamingItNotEmbeddedAsNaN() {
        float[][] v = threeBlobs();
        DcecModel m = smallVectorModel(v);
        float[][] huge = {v[0], new float[5]};
        Arrays.fill(huge[1], Float.MAX_VALUE);
        String expected = "vector 1 (largest magnitude 3.4028235E38) overflows the encoder's float32 arithmetic";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.embed(huge));
        assertTrue(e.getMessage().startsWith("images: " + expected) && e.getMessage().contains("embedding is not finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(huge));
        assertTrue(e.getMessage().startsWith("vectors: " + expected), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.predictProba(huge));
        assertTrue(e.getMessage().startsWith("images: " + expected), e.getMessage());
        // vectors of a large but representable scale still have finite embeddings and assignments
        float[][] large = {v[0], new float[5]};
        Arrays.fill(large[1], 1e30f);
        for (float[] row : m.embed(large)) for (float x : row) assertTrue(Float.isFinite(x));
        assertEquals(2, m.predictVectors(large).length);
        assertArrayEquals(m.embed(new float[][] {v[0]})[0], m.embed(large)[0]);
    }

    /**
     * predict(Dataset) and score(Dataset) name their argument, data, as fit(Dataset) and the shape check do (library.md:
     * exceptions name the API argument); they said "images:", the argument of predict(float[], int).
     */
    @Test void predictOfADataSetNamesItsArgumentData() {
        float[][] v = threeBlobs();
        DcecModel m = smallVectorModel(v);
        float[] flat = new float[10];
        System.arraycopy(v[0], 0, flat, 0, 5);
        Arrays.fill(flat, 5, 10, Float.MAX_VALUE);
        String expected = "data: vector 1 (largest magnitude 3.4028235E38) overflows the encoder's float32 arithmetic";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(Dataset.ofVectors("v", 5, flat.clone(), null)));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.score(Dataset.ofVectors("v", 5, flat.clone(), new int[] {0, 1})));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        // the other inputs still say images
        e = assertThrows(IllegalArgumentException.class, () -> m.predict(flat.clone(), 2));
        assertTrue(e.getMessage().startsWith("images: vector 1"), e.getMessage());
    }

    /**
     * Inference holds n·K soft assignments (and n·K embeddings) in one array each. A vector model's K can exceed the d
     * values of a vector, so inputs that fit one array can have outputs that do not: 2,200,000 vectors of 2 values
     * (4.4 million floats) and K = 1000 make 2.2·10⁹ assignments (and a DEC model as many embedding values, which embed
     * checks the same way). That was a NegativeArraySizeException from n·K
     * wrapped in ints; it is an IllegalArgumentException naming the argument and how many inputs fit, before any work.
     */
    @Test void inputsWhoseOutputsExceedAJavaArrayAreRefusedNamingTheArgument() {
        int K = 1000, n = 2_200_000;
        SplittableRandom r = new SplittableRandom(5);
        float[][] v = new float[K][2];
        for (float[] row : v) for (int j = 0; j < 2; j++) row[j] = (float) r.nextGaussian();
        // k-means on the vectors: a DEC model's fit (k-means on 1000-dimensional embeddings) takes half a minute
        DcecModel m = Dcec.builder().method(Method.KMEANS).clusters(K).kmeansRestarts(1).seed(1).build().fitVectors(v);
        float[] x = new float[n * 2];
        String expected = n + " inputs of 1000 soft assignments each make 2200000000 values, more than one Java array holds"
                + " (2^31 - 65): pass at most 2147483 at a time";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(x, n));
        assertEquals("images: " + expected, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.predictProba(x, n));
        assertEquals("images: " + expected, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.score(x, n, new int[n]));
        assertEquals("images: " + expected, e.getMessage());
        float[][] rows = new float[n][];
        Arrays.fill(rows, v[0]);
        e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(rows));
        assertEquals("vectors: " + expected, e.getMessage());
        // as many as fit are predicted
        assertEquals(3, m.predict(Arrays.copyOf(x, 6), 3).length);
    }

    /**
     * library.md: fitVectors takes any finite values, but the dense autoencoder's float32 squared error overflows beyond
     * about 1.8e19, which stops a DEC fit at its first batch with a TrainingDivergedException about the data's scale;
     * k-means on the vectors takes them (its distances are in double precision) and predicts them.
     */
    @Test void vectorsBeyondTheAutoencodersFloat32RangeStopADecFitNamingTheScale() {
        SplittableRandom r = new SplittableRandom(7);
        float[][] v = new float[30][4];
        for (int i = 0; i < v.length; i++)
            for (int j = 0; j < 4; j++) v[i][j] = (float) ((j == i % 3 ? 1 : -1) * (0.5 + r.nextDouble())) * 1e20f;
        org.dcec4j.dcec.train.TrainingDivergedException e = assertThrows(org.dcec4j.dcec.train.TrainingDivergedException.class,
                () -> Dcec.builder().method(Method.DEC).clusters(3).denseDims(8).batchSize(16).pretrainEpochs(1).kmeansRestarts(1)
                        .maxIterations(2).seed(1).build().fitVectors(v));
        assertTrue(e.getMessage().contains("before any update") && e.getMessage().contains("scale of the data"), e.getMessage());
        DcecModel km = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).seed(1).build().fitVectors(v);
        for (float[] c : km.centres()) for (float x : c) assertTrue(Float.isFinite(x));
        int[] labels = km.predictVectors(v);
        for (int i = 3; i < v.length; i++) assertEquals(labels[i % 3], labels[i], "vector " + i);
    }

    @Test void imageModelsAndConvolutionalMethodsKeepTheUnitRange() {
        DcecModel m = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build().fit(IMAGES);
        float[] x = IMAGES.image(0);
        x[3] = 255f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.embed(x, 1));
        assertTrue(e.getMessage().contains("image 0, value 3 is 255.0") && e.getMessage().contains("[0, 1]"), e.getMessage());
        float[] vectors = new float[40 * 5];
        Arrays.fill(vectors, 2f);
        e = assertThrows(IllegalArgumentException.class, () -> Dcec.builder().build().fit(Dataset.ofVectors("v", 5, vectors, null)));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test void augmentIsAppliedAtBuildWhateverTheOrderAndFalseTurnsItOff() {
        assertEquals(Method.DCEC, Dcec.builder().augment(true).augment(false).build().config().method());
        assertEquals(Method.DEC_CONV_DA, Dcec.builder().augment(true).method(Method.DEC_CONV).build().config().method());
        assertEquals(Method.DEC_CONV_DA, Dcec.builder().method(Method.DEC_CONV).augment(true).build().config().method());
        assertEquals(Method.DCEC_DA, Dcec.builder().augment(true).build().config().method());
        assertEquals(Method.DCEC, Dcec.builder().augment(false).build().config().method());
        Dcec.Builder b = Dcec.builder().augment(true);
        assertEquals(Method.DCEC_DA, b.build().config().method());
        assertEquals(Method.DCEC, b.augment(false).build().config().method(), "build() leaves the builder's method as set");
        ConfigException e = assertThrows(ConfigException.class, () -> Dcec.builder().augment(true).method(Method.KMEANS).build());
        assertTrue(e.getMessage().startsWith("augment applies to dcec and dec-conv"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Dcec.builder().method(Method.DCEC_DA).augment(false).build());
        assertTrue(e.getMessage().contains("augment false contradicts method dcec-da"), e.getMessage());
        assertEquals(Method.DCEC_DA, Dcec.builder().method(Method.DCEC_DA).augment(true).build().config().method());
    }

    /**
     * A null array is a NullPointerException naming the argument, as a null list, data set, file or stream already was
     * (docs/library.md#errors): fit((float[]) null, …) and predict((float[][]) null) threw an IllegalArgumentException,
     * "images is null", while fit((List) null) threw a NullPointerException, "images".
     */
    @Test void aNullArrayIsANullPointerExceptionNamingItAsEveryOtherNull() {
        Dcec d = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build();
        DcecModel m = d.fit(IMAGES);
        java.util.List<org.junit.jupiter.api.function.Executable> calls = java.util.List.of(
                () -> d.fit((float[]) null, 1, 1, 16, 16), () -> d.fit((float[][]) null, 1, 16, 16),
                () -> d.fit((java.util.List<java.awt.image.BufferedImage>) null),
                () -> m.predict((float[]) null, 1), () -> m.predict((float[][]) null),
                () -> m.predict((java.util.List<java.awt.image.BufferedImage>) null),
                () -> m.predictProba((float[]) null, 1), () -> m.predictProba((float[][]) null),
                () -> m.embed((float[]) null, 1), () -> m.embed((float[][]) null), () -> m.score(null, 1, new int[1]));
        for (org.junit.jupiter.api.function.Executable call : calls)
            assertEquals("images", assertThrows(NullPointerException.class, call).getMessage());
        DcecModel v = Dcec.builder().method(Method.KMEANS).clusters(2).kmeansRestarts(1).build().fitVectors(new float[][] {{0}, {5}, {9}});
        assertEquals("vectors", assertThrows(NullPointerException.class, () -> v.predictVectors(null)).getMessage());
        // an image model names a null too, before it says that it takes no vectors
        assertEquals("vectors", assertThrows(NullPointerException.class, () -> m.predictVectors(null)).getMessage());
        assertEquals("vectors", assertThrows(NullPointerException.class, () -> d.fitVectors(null)).getMessage());
    }

    @Test void nullsAreNamedAndEdgeValuesAccepted() {
        DcecModel m = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build().fit(IMAGES);
        NullPointerException n = assertThrows(NullPointerException.class, () -> m.score((Dataset) null));
        assertEquals("data", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> Method.parse(null));
        assertEquals("method name", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> Metrics.nmi(new int[] {0, 1}, new int[] {1, 0}, null));
        assertEquals("average", n.getMessage());
        ConfigException c = assertThrows(ConfigException.class, () -> DcecConfig.defaults().toBuilder().method(null).build().validate());
        assertTrue(c.getMessage().startsWith("method must be set"), c.getMessage());
        // a fit whose phases took no time has an empty map of seconds
        DcecModel.Training t = new DcecModel.Training(new int[0], Scores.NONE, 0, false, Map.of());
        assertTrue(t.seconds().isEmpty());
        // Adam's unused rate and momentum: -0 is 0
        assertEquals(OptimizerSpec.ADAM, new OptimizerSpec(OptimizerSpec.Kind.ADAM, -0f, -0f));
        assertEquals(DcecConfig.defaults(), DcecConfig.defaults().toBuilder().pretrainOptimizer(new OptimizerSpec(OptimizerSpec.Kind.ADAM, -0f, 0f)).build());
        // save and load name a null argument (they threw the JDK's unnamed NullPointerException); a null backend is
        // refused before the file is read (a missing file said NoSuchFileException instead)
        n = assertThrows(NullPointerException.class, () -> m.save((java.nio.file.Path) null));
        assertEquals("file", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> m.save((java.io.OutputStream) null));
        assertEquals("out", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> DcecModel.load((java.nio.file.Path) null));
        assertEquals("file", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> DcecModel.load((java.io.InputStream) null));
        assertEquals("in", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> DcecModel.load(java.nio.file.Path.of("no-such-model.dc4j"), null));
        assertEquals("backend", n.getMessage());
        // a builder setter names its setting, as the others do (runFolder said "dir", its parameter's name)
        n = assertThrows(NullPointerException.class, () -> Dcec.builder().runFolder(null));
        assertEquals("runFolder", n.getMessage());
        n = assertThrows(NullPointerException.class, () -> Dcec.builder().backend(null));
        assertEquals("backend", n.getMessage());
        // a cancellation without a reason reads "cancelled", as cancel() does (it read "null (…)")
        Cancellation c2 = new Cancellation();
        c2.cancel(null);
        assertEquals("cancelled (here)", assertThrows(java.util.concurrent.CancellationException.class, () -> c2.check("here")).getMessage());
    }

    /**
     * A path or a data set's name is quoted in a ConfigException: a "{word}" in it stays as it is in getMessage() and in
     * every rendering, not read as a setting's name. A run folder ".../{seed}" that is a file was reported as ".../seed"
     * (and rendered with the command line's names as ".../--seed"), a data set "{clusters}" as "clusters".
     */
    @Test void bracesInAPathOrADataSetsNameAreNotReadAsSettingNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("{seed}");
        Files.writeString(file, "x");
        Dcec d = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(1).runFolder(file).build();
        ConfigException e = assertThrows(ConfigException.class, () -> d.fit(IMAGES));
        assertTrue(e.getMessage().startsWith("runFolder " + file + " is a file"), e.getMessage());
        assertTrue(e.render(Map.of("runFolder", "--out", "seed", "--seed")).startsWith("--out " + file + " is a file"), e.render(Map.of()));
        Dataset named = new Dataset("{clusters}", 1, 16, 16, Arrays.copyOf(IMAGES.images(), 2 * 256), null);
        e = assertThrows(ConfigException.class, () -> Dcec.builder().method(Method.KMEANS).clusters(3).build().fit(named));
        assertEquals("--clusters 3 is larger than the number of images (2 in {clusters}): lower --clusters or use more images",
                e.render(Map.of("clusters", "--clusters")));
        // the quoting itself: doubled braces render as one, whatever precedes or follows them
        assertEquals("a{b}{{c}}--clusters{", new ConfigException(ConfigException.quote("a{b}{{c}}") + "{clusters}" + ConfigException.quote("{"))
                .render(Map.of("clusters", "--clusters")));
    }

    /**
     * DcecConfig, OptimizerSpec and ConfigException name a null argument, as the rest of the library does
     * (docs/library.md#errors; they threw the JDK's unnamed NullPointerException, e.g. 'Cannot invoke "[I.clone()"
     * because "filters" is null'), and a config without a method, which validate() refuses, still prints and compares:
     * its toString, equals and hashCode threw that NullPointerException too.
     */
    @Test void configNullsAreNamedAndAConfigWithoutAMethodPrints() {
        DcecConfig c = DcecConfig.defaults();
        Object[][] calls = {
                {"filters", (org.junit.jupiter.api.function.Executable) () -> new DcecConfig(Method.DCEC, 10, null, new int[] {500}, 1f, 0.1f,
                        256, 200, 20, 140, 0.001, 100, 1e-3f, 0, 0, OptimizerSpec.ADAM, OptimizerSpec.ADAM, c.init())},
                {"denseDims", (org.junit.jupiter.api.function.Executable) () -> new DcecConfig(Method.DCEC, 10, new int[] {4, 8, 8}, null, 1f,
                        0.1f, 256, 200, 20, 140, 0.001, 100, 1e-3f, 0, 0, OptimizerSpec.ADAM, OptimizerSpec.ADAM, c.init())},
                {"filters", (org.junit.jupiter.api.function.Executable) () -> c.toBuilder().filters((int[]) null)},
                {"denseDims", (org.junit.jupiter.api.function.Executable) () -> c.toBuilder().denseDims((int[]) null)},
                {"method", (org.junit.jupiter.api.function.Executable) () -> DcecConfig.referenceDefaults(null, "usps")},
                {"dataset", (org.junit.jupiter.api.function.Executable) () -> DcecConfig.referenceDefaults(Method.DCEC_DA, null)},
                {"unknown", (org.junit.jupiter.api.function.Executable) () -> c.toJson(null)},
                {"text", (org.junit.jupiter.api.function.Executable) () -> OptimizerSpec.parse(null)},
                {"template", (org.junit.jupiter.api.function.Executable) () -> new ConfigException(null)},
                {"names", (org.junit.jupiter.api.function.Executable) () -> new ConfigException("{clusters}").render((Map<String, String>) null)},
                {"naming", (org.junit.jupiter.api.function.Executable) () -> new ConfigException("{clusters}")
                        .render((java.util.function.Function<String, String>) null)}};
        for (Object[] call : calls)
            assertEquals(call[0], assertThrows(NullPointerException.class, (org.junit.jupiter.api.function.Executable) call[1]).getMessage());
        DcecConfig none = c.toBuilder().method(null).build();
        assertTrue(none.toString().startsWith("method=null K=10 "), none.toString());
        assertEquals(none, c.toBuilder().method(null).build());
        assertEquals(none.hashCode(), c.toBuilder().method(null).build().hashCode());
        assertTrue(!none.equals(c));
        ConfigException e = assertThrows(ConfigException.class, none::toJson);
        assertTrue(e.getMessage().startsWith("method must be set"), e.getMessage());
    }

    /**
     * A fit's Training compares its labels by value and prints their count: as a record of an int[] it compared the
     * array's identity (a Training made again from the same values was not equal to it, and not in a HashSet of it) and
     * printed "labels=[I@56cdfb3b".
     */
    @Test void aTrainingComparesItsLabelsByValueAndPrintsTheirCount() {
        DcecModel.Training t = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(1).build().fit(IMAGES).training().orElseThrow();
        DcecModel.Training same = new DcecModel.Training(t.labels(), t.scores(), t.iterations(), t.converged(), t.seconds());
        assertEquals(t, same);
        assertEquals(t.hashCode(), same.hashCode());
        int[] other = t.labels();
        other[0] = (other[0] + 1) % 3;
        assertTrue(!t.equals(new DcecModel.Training(other, t.scores(), t.iterations(), t.converged(), t.seconds())));
        assertTrue(t.toString().startsWith("Training[labels=40 images, scores=ACC "), t.toString());
    }

    /**
     * A non-finite value given to fitVectors or predictVectors is refused saying what was expected, as every other input
     * check does ("vectors: value NaN at row 1, column 0" said neither), and fitVectors(null) is the NullPointerException
     * naming vectors whatever the method (a convolutional one said "method dcec needs images" first).
     */
    @Test void nonFiniteVectorsAreRefusedSayingWhatWasExpectedAndANullIsNamedFirst() {
        Dcec d = Dcec.builder().method(Method.KMEANS).clusters(2).kmeansRestarts(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.fitVectors(new float[][] {{0, 1}, {Float.NaN, 2}, {3, 4}}));
        assertEquals("vectors: value NaN at row 1, column 0; feature vector values must be finite", e.getMessage());
        DcecModel m = d.fitVectors(new float[][] {{0, 1}, {5, 2}, {3, 4}});
        e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(new float[][] {{0, Float.NEGATIVE_INFINITY}}));
        assertEquals("vectors: value -Infinity at row 0, column 1; feature vector values must be finite", e.getMessage());
        assertEquals("vectors", assertThrows(NullPointerException.class, () -> Dcec.builder().build().fitVectors(null)).getMessage());
    }
}
