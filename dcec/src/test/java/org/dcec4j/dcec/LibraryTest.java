package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.ImageFolder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library facade: fit, predict, save and load, inputs, backends per instance, cancellation. */
class LibraryTest {
    static final Dataset DATA = Shapes.generate(120, 7, 16);

    static Dcec.Builder quick() {
        return Dcec.builder().clusters(4).filters(4, 8, 8).batchSize(32).pretrainEpochs(2).kmeansRestarts(2)
                .updateInterval(4).maxIterations(12).seed(3);
    }

    @Test void fitPredictSaveLoadPredictIdentically() throws Exception {
        DcecModel m = quick().build().fit(DATA.images(), DATA.size(), 1, 16, 16);
        assertEquals(4, m.clusters());
        assertEquals(16, m.height());
        int[] labels = m.predict(DATA.images(), DATA.size());
        // the fit's reported labels are those of its last recomputation of P, made with the final weights
        assertArrayEquals(m.training().orElseThrow().labels(), labels);
        float[][] q = m.predictProba(DATA.images(), DATA.size());
        for (float[] row : q) {
            double s = 0;
            for (float v : row) s += v;
            assertEquals(1.0, s, 1e-5);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.save(out);
        DcecModel back = DcecModel.load(new ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(labels, back.predict(DATA.images(), DATA.size()));
        assertArrayEquals(m.toBytes(), back.toBytes());
        assertTrue(back.training().isEmpty());
        float[][] z = m.embed(DATA.images(), DATA.size()), z2 = back.embed(DATA.images(), DATA.size());
        for (int i = 0; i < z.length; i++) assertArrayEquals(z[i], z2[i]);
        // one image per row gives the same answer as the flat array
        float[][] rows = new float[DATA.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = DATA.image(i);
        assertArrayEquals(labels, m.predict(rows));
        assertEquals(m.score(DATA), org.dcec4j.dcec.train.Scores.of(DATA.labels(), labels));
    }

    @Test void badInputsAreRefusedNamingTheArgumentBeforeAnyWork() {
        Dcec d = quick().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.fit(new float[10], 3, 1, 16, 16));
        assertTrue(e.getMessage().startsWith("images:") && e.getMessage().contains("768"), e.getMessage());
        float[] x = DATA.images().clone();
        x[16 * 16 * 5 + 7] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(x, DATA.size(), 1, 16, 16));
        assertTrue(e.getMessage().contains("image 5, value 7 is NaN"), e.getMessage());
        x[16 * 16 * 5 + 7] = 255f;
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(x, DATA.size(), 1, 16, 16));
        assertTrue(e.getMessage().contains("[0, 1]") && e.getMessage().contains("255"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(new float[][] {new float[256], new float[255]}, 1, 16, 16));
        assertTrue(e.getMessage().contains("image 1 has 255 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dcec.builder().clusters(1).build());
        assertTrue(e.getMessage().contains("clusters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dcec.builder().tolerance(2).build());
        assertTrue(e.getMessage().contains("tol"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dcec.builder().resume(true).build());
        assertTrue(e.getMessage().contains("runFolder"), e.getMessage());
    }

    @Test void aModelRefusesImagesOfAnotherSize() {
        DcecModel m = quick().pretrainEpochs(1).maxIterations(4).build().fit(DATA.images(), DATA.size(), 1, 16, 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[28 * 28], 1));
        assertTrue(e.getMessage().contains("1x16x16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.predict(Shapes.generate(3, 1, 28)));
        assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("1x16x16"), e.getMessage());
    }

    /** Two fits with different backends, at the same time in one JVM, each give the model of running alone. */
    @Test void twoDifferentlyConfiguredModelsRunSideBySideAsIfAlone() throws Exception {
        byte[] alone;
        try (Backend one = Backend.create(Backend.Kind.AUTO, 1)) {
            alone = quick().backend(one).build().fit(DATA.images(), DATA.size(), 1, 16, 16).toBytes();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Backend a = Backend.create(Backend.Kind.AUTO, 1); Backend b = Backend.create(Backend.Kind.AUTO, 3);
             Backend s = Backend.create(Backend.Kind.SCALAR, 2)) {
            List<Future<byte[]>> runs = new ArrayList<>();
            for (Backend be : new Backend[] {a, b, s})
                runs.add(pool.submit(() -> quick().backend(be).build().fit(DATA.images(), DATA.size(), 1, 16, 16).toBytes()));
            for (Future<byte[]> f : runs) assertArrayEquals(alone, f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test void cancellationAndInterruptStopAtABatchBoundaryAndTheCheckpointResumes(@TempDir Path dir) throws Exception {
        // the uninterrupted run
        byte[] whole = quick().checkpointEvery(1).runFolder(dir.resolve("whole")).build().fit(DATA).toBytes();
        // cancelled during clustering from a listener (as another thread would)
        Cancellation c = new Cancellation();
        AtomicInteger batches = new AtomicInteger();
        TrainingListener stopper = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && batches.incrementAndGet() == 5) c.cancel("stopped by the test");
            }
        };
        Path run = dir.resolve("run");
        CancellationException e = assertThrows(CancellationException.class,
                () -> quick().checkpointEvery(1).runFolder(run).listener(stopper).build().fit(DATA, c));
        assertTrue(e.getMessage().contains("stopped by the test") && e.getMessage().contains("clustering, iteration 5"), e.getMessage());
        assertTrue(Files.isRegularFile(run.resolve("checkpoint.dc4j")));
        assertFalse(Files.exists(run.resolve("model.dc4j")));
        byte[] resumed = quick().checkpointEvery(1).runFolder(run).resume(true).build().fit(DATA).toBytes();
        assertArrayEquals(whole, resumed);
        // an interrupt of the training thread stops it the same way, and the thread stays interrupted
        Thread.currentThread().interrupt();
        try {
            e = assertThrows(CancellationException.class, () -> quick().build().fit(DATA));
            assertTrue(e.getMessage().startsWith("interrupted (pretraining"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * k-means has no mini-batches, but a cancel while its restarts run ends the fit with the same CancellationException,
     * within the restarts under way, for k-means on the pixels and for a CAE method's centre initialisation. Each fit
     * would run its k-means for many seconds (thousands of restarts); it is cancelled from another thread 0.3 s after
     * the k-means phase starts, and the message says how many restarts had finished: far fewer than all. Before, the
     * cancel was not looked at: the KMEANS fit returned a model after all its restarts, and DCEC threw only at
     * clustering's first batch, after all of them.
     */
    @Test void aCancellationStopsTheKMeansRestartsOfEveryMethod() throws Exception {
        // KMEANS: 1,000 restarts on 2,000 images of 28×28 pixels (a restart is tens of milliseconds)
        cancelledInKMeans(Dcec.builder().method(Method.KMEANS).clusters(10).kmeansRestarts(1000).seed(1),
                Shapes.generate(2000, 11, 28), 1000);
        // CAE_KMEANS and DCEC: 20,000 restarts on the 10-dimensional embeddings of 3,000 images
        Dataset shapes = Shapes.generate(3000, 12, 16);
        for (Method m : new Method[] {Method.CAE_KMEANS, Method.DCEC})
            cancelledInKMeans(Dcec.builder().method(m).clusters(10).filters(4, 8, 8).pretrainEpochs(0).kmeansRestarts(20_000)
                    .maxIterations(4).seed(1), shapes, 20_000);
    }

    private static void cancelledInKMeans(Dcec.Builder builder, Dataset data, int restarts) throws Exception {
        Cancellation c = new Cancellation();
        ExecutorService canceller = Executors.newSingleThreadExecutor();
        try {
            TrainingListener startsTheTimer = new TrainingListener() {
                @Override public void phaseStarted(Phase phase, int first, int total) {
                    // the phase begins with the embedding pass, which looks at the cancellation too (per batch): wait
                    // until the fitting thread is inside KMeans, so that the cancel lands in the restarts however
                    // slowly the embedding runs (scalar kernels on a busy host took more than 300 ms)
                    Thread fitter = Thread.currentThread();
                    if (phase == Phase.KMEANS) canceller.submit(() -> {
                        long deadline = System.nanoTime() + 120_000_000_000L;
                        while (java.util.Arrays.stream(fitter.getStackTrace())
                                .noneMatch(f -> f.getClassName().equals(org.dcec4j.dcec.cluster.KMeans.class.getName()))) {
                            if (System.nanoTime() > deadline) throw new AssertionError("the fit did not reach k-means in 120 s");
                            Thread.sleep(5);
                        }
                        Thread.sleep(300);
                        c.cancel("stopped by the test");
                        return null;
                    });
                }
            };
            CancellationException e = assertThrows(CancellationException.class,
                    () -> builder.listener(startsTheTimer).build().fit(data, c));
            java.util.regex.Matcher done = java.util.regex.Pattern.compile("stopped by the test \\(k-means, (\\d+) of " + restarts
                    + " restarts done\\)").matcher(e.getMessage());
            assertTrue(done.matches(), e.getMessage());
            assertTrue(Integer.parseInt(done.group(1)) < restarts / 10, e.getMessage());
        } finally {
            canceller.shutdownNow();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("kmeans-") && t.isAlive()),
                "no restart thread outlives the fit");
    }

    /**
     * An interrupt of a fit whose k-means restarts run on several threads stops them, as a cancel does, and the message
     * says how many had finished. The calling thread's join() on a restart thread took the interrupt and cleared the
     * flag that the other restarts look at: they ran on to the last restart (190 s here, for 1,000,000 restarts of 50
     * images), and the message then said "k-means: interrupted while waiting for restarts", no count.
     */
    @Test void anInterruptStopsTheKMeansRestartsOfSeveralThreads() throws Exception {
        Dataset data = Shapes.generate(50, 1, 16);
        Cancellation stopsAHungFit = new Cancellation();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Backend four = Backend.create(Backend.Kind.AUTO, 4)) {
            Future<Throwable> fit = pool.submit(() -> {
                Thread fitter = Thread.currentThread();
                pool.submit(() -> {      // interrupts the fitting thread once it is inside a restart
                    while (java.util.Arrays.stream(fitter.getStackTrace())
                            .noneMatch(f -> f.getClassName().equals("org.dcec4j.dcec.cluster.KMeansRun")))
                        Thread.sleep(1);
                    fitter.interrupt();
                    return null;
                });
                try {
                    Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(1_000_000).backend(four).build().fit(data, stopsAHungFit);
                    return null;
                } catch (Throwable e) {
                    return Thread.interrupted() ? e : new AssertionError("the interrupt flag was cleared", e);
                }
            });
            Throwable e;
            try {
                e = fit.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException hung) {
                stopsAHungFit.cancel();
                throw new AssertionError("the interrupted fit was still running k-means after 30 s");
            }
            assertTrue(e instanceof CancellationException, String.valueOf(e));
            assertTrue(e.getMessage().matches("interrupted \\(k-means, \\d+ of 1000000 restarts done\\)"), e.getMessage());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("kmeans-") && t.isAlive()),
                "no restart thread outlives the fit");
    }

    /**
     * An interrupt with a run folder is the same cancellation, and it leaves the folder released: before the folder is
     * opened, nothing is written; at a batch boundary, the lock file is emptied (not left naming a holder, as a killed
     * run leaves it) and the run resumes to the uninterrupted model. The files went through NIO channels, which an
     * interrupt closes: the fit ended in a ClosedByInterruptException and the lock file kept its holder line.
     */
    @Test void anInterruptWithARunFolderIsACancellationAndReleasesTheFolder(@TempDir Path dir) throws Exception {
        byte[] whole = quick().checkpointEvery(1).runFolder(dir.resolve("whole")).build().fit(DATA).toBytes();
        Path early = dir.resolve("early");
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class, () -> quick().runFolder(early).build().fit(DATA));
            assertTrue(e.getMessage().startsWith("interrupted (before the run folder"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(early), "nothing written before the run started");
        AtomicInteger batches = new AtomicInteger();
        TrainingListener interrupter = new TrainingListener() {
            @Override public void batchDone(Phase phase, int step, int batch, int n, double loss) {
                if (phase == Phase.CLUSTER && batches.incrementAndGet() == 5) Thread.currentThread().interrupt();
            }
        };
        Path run = dir.resolve("run");
        DcecModel fitted = quick().build().fit(DATA);
        try {
            CancellationException e = assertThrows(CancellationException.class,
                    () -> quick().checkpointEvery(1).runFolder(run).listener(interrupter).build().fit(DATA));
            assertTrue(e.getMessage().startsWith("interrupted (clustering, iteration"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
            // with the flag still set, a model is saved and loaded as usual
            Path file = dir.resolve("model.dc4j");
            fitted.save(file);
            assertArrayEquals(fitted.toBytes(), DcecModel.load(file).toBytes());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, Files.size(run.resolve(".dcec.lock")), "the lock file is emptied: the run ended, it was not killed");
        assertArrayEquals(whole, quick().checkpointEvery(1).runFolder(run).resume(true).build().fit(DATA).toBytes());
    }

    /**
     * A fit given its own backend never makes the shared one: in a JVM whose dcec4j.threads the shared backend would
     * refuse, fit and predict on an explicit backend work, and closing it leaves no kernel thread (the trainer used to
     * make the shared backend in its constructor, failing there, and otherwise starting threads nobody closed).
     */
    /**
     * A runFolder that is a file was an UncheckedIOException wrapping a bare FileAlreadyExistsException (the path alone,
     * neither the setting nor the cause); it is a ConfigException naming runFolder, and the file is left as it was.
     */
    /**
     * checkpointEvery without a runFolder was accepted and no checkpoint written anywhere: a fit meant to be resumable was
     * not, silently. It is refused by build(), as resume and overwrite without a runFolder are; with one it builds.
     */
    @Test void checkpointsWithoutARunFolderAreRefused(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quick().checkpointEvery(5).build());
        assertEquals("checkpointEvery 5 needs a runFolder to write the checkpoints in: set runFolder, or leave checkpointEvery at 0",
                e.getMessage());
        assertEquals(5, quick().checkpointEvery(5).runFolder(dir.resolve("run")).build().config().checkpointEvery());
        assertEquals(0, quick().checkpointEvery(0).build().config().checkpointEvery());
    }

    @Test void aRunFolderThatIsAFileIsRefusedNamingTheSetting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.txt");
        Files.writeString(file, "mine");
        ConfigException e = assertThrows(ConfigException.class, () -> quick().runFolder(file).build().fit(DATA));
        assertEquals("runFolder " + file + " is a file, not a folder: give a folder for the run's files (it is created if missing)",
                e.getMessage());
        assertEquals("mine", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    /**
     * A runFolder below a file (file/run, file/a/run) is refused as one that is a file, a ConfigException naming
     * runFolder and the file, nothing created: it was an UncheckedIOException wrapping a bare FileSystemException,
     * ".../results.txt/run: Not a directory".
     */
    @Test void aRunFolderBelowAFileIsRefusedNamingTheSettingAndTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.txt");
        Files.writeString(file, "mine");
        for (Path run : List.of(file.resolve("run"), file.resolve("a/run"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> quick().runFolder(run).build().fit(DATA));
            assertEquals("runFolder " + run + " is below " + file + ", a file, not a folder: give a folder for the run's files"
                    + " (it is created if missing)", e.getMessage());
        }
        assertEquals("mine", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    /**
     * resume with a runFolder that holds no checkpoint is refused before the folder is touched, as dcec train --resume is:
     * the fit created the missing folder and left it holding an empty lock file (and put one into an empty folder) before
     * the refusal.
     */
    @Test void aResumeWithoutACheckpointLeavesTheFolderAsItWas(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        ConfigException e = assertThrows(ConfigException.class, () -> quick().runFolder(missing).resume(true).build().fit(DATA));
        assertTrue(e.getMessage().startsWith("resume: no checkpoint at " + missing.resolve("checkpoint.dc4j")), e.getMessage());
        assertFalse(Files.exists(missing), "the folder is not created");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(ConfigException.class, () -> quick().runFolder(empty).resume(true).build().fit(DATA));
        try (var files = Files.list(empty)) {
            assertEquals(List.of(), files.toList(), "nothing is written into the folder");
        }
    }

    @Test void aFitOnItsOwnBackendNeverMakesTheSharedOne() throws Exception {
        String javaBin = System.getProperty("java.home") + java.io.File.separator + "bin" + java.io.File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        if (Backend.vectorModulePresent()) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of("-Ddcec4j.threads=abc", "-Ddcec4j.kernels=nonsense", "-cp", System.getProperty("java.class.path"),
                ExplicitBackendMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "timed out:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("fit and predict on the explicit backend, no thread left"), out);
    }

    @Test void bufferedImagesGoThroughTheImageFolderConversion(@TempDir Path dir) throws Exception {
        Dataset small = Shapes.generate(40, 2, 16);
        Path folder = Files.createDirectories(dir.resolve("pngs"));
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            // 24×24 grey PNGs: the conversion resizes them to 16×16
            BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_BYTE_GRAY);
            float[] px = small.image(i);
            for (int y = 0; y < 24; y++) for (int xx = 0; xx < 24; xx++)
                img.getRaster().setSample(xx, y, 0, Math.round(255 * px[(y * 2 / 3) * 16 + xx * 2 / 3]));
            ImageIO.write(img, "png", folder.resolve(String.format("%03d.png", i)).toFile());
            images.add(ImageIO.read(folder.resolve(String.format("%03d.png", i)).toFile()));
        }
        Dataset fromFiles = ImageFolder.load(folder, 1, 16, 16);
        DcecModel m = quick().imageSize(16, 16).build().fit(images);
        assertArrayEquals(m.predict(fromFiles), m.predict(images));
        assertArrayEquals(m.toBytes(), quick().build().fit(fromFiles).toBytes());
        // a floating-point image with a NaN sample is refused, naming the image (it converted to NaN or zeros)
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(24, 24);
        r.setSample(3, 2, 0, Float.NaN);
        List<BufferedImage> bad = List.of(images.get(0), new BufferedImage(cm, r, false, null));
        String expected = "images: element 1: expected pixel samples the loader reads (unsigned integers, or floating-point values"
                + " in [0, 1]), found the floating-point sample NaN at pixel (3, 2)";
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> m.predict(bad)).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> quick().imageSize(16, 16).build().fit(bad)).getMessage());
    }

    @Test void denseMethodsClusterFeatureVectors() {
        SplittableRandom r = new SplittableRandom(4);
        int N = 150, d = 6, K = 3;
        float[][] v = new float[N][d];
        int[] truth = new int[N];
        for (int i = 0; i < N; i++) {
            truth[i] = i % K;
            for (int j = 0; j < d; j++) v[i][j] = (float) ((j == truth[i] ? 4 : 0) + r.nextGaussian() * 0.3);
        }
        Dcec dec = Dcec.builder().method(Method.IDEC).clusters(K).denseDims(16, 16).batchSize(32).pretrainEpochs(30)
                .kmeansRestarts(3).updateInterval(5).maxIterations(20).seed(1).build();
        DcecModel m = dec.fitVectors(v);
        int[] pred = m.predictVectors(v);
        assertEquals(1.0, org.dcec4j.dcec.train.Scores.of(truth, pred).acc(), 1e-9, "three well separated blobs");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quick().build().fitVectors(v));
        assertTrue(e.getMessage().contains("dec, idec or kmeans"), e.getMessage());
    }

    /**
     * Feature vectors too many for one array are refused as images are, an IllegalArgumentException naming the argument
     * (one 40,000-value row shared by 70,000 rows: no memory spent), not "ArithmeticException: integer overflow"; too
     * many clusters for the rows count vectors, not images.
     */
    @Test void vectorPathsRefuseOversizedInputNamingTheArgument() {
        float[] row = new float[40_000];
        float[][] huge = new float[70_000][];
        java.util.Arrays.fill(huge, row);
        Dcec kmeans = Dcec.builder().method(Method.KMEANS).clusters(2).kmeansRestarts(1).seed(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kmeans.fitVectors(huge));
        assertEquals("vectors: 70000 rows of 40000 values exceed 2^31 values", e.getMessage());
        float[][] few = new float[4][];
        for (int i = 0; i < few.length; i++) {
            few[i] = new float[40_000];
            few[i][i] = 1;
        }
        DcecModel m = kmeans.fitVectors(few);
        e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(huge));
        assertEquals("vectors: 70000 rows of 40000 values exceed 2^31 values", e.getMessage());
        float[][] sixty = new float[60][];
        java.util.Arrays.fill(sixty, new float[] {0, 1});
        e = assertThrows(ConfigException.class, () -> Dcec.builder().method(Method.KMEANS).clusters(100).build().fitVectors(sixty));
        assertEquals("clusters 100 is larger than the number of vectors (60 rows in vectors): lower clusters or pass more rows", e.getMessage());
    }

    /**
     * The convolutional autoencoder's image-size rules, through the library, name the argument the sizes came in (the
     * network's own message, about height and width only, named none).
     */
    @Test void imageSizesTheNetworkCannotTakeAreRefusedNamingTheArgument() {
        Dcec d = quick().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.fit(new float[4 * 13 * 13], 4, 1, 13, 13));
        assertTrue(e.getMessage().startsWith("images (height 13, width 13): the convolutional autoencoder needs image height and width"
                + " that are multiples of 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(new float[4 * 12 * 16], 4, 1, 12, 16));
        assertTrue(e.getMessage().startsWith("images (height 12, width 16): height and width must both be multiples of 8 or both not"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(new float[][] {new float[13 * 13]}, 1, 13, 13));
        assertTrue(e.getMessage().startsWith("images (height 13, width 13): the convolutional autoencoder needs"), e.getMessage());
        Dataset thirteen = Shapes.generate(8, 1, 13);
        e = assertThrows(IllegalArgumentException.class, () -> d.fit(thirteen));
        assertTrue(e.getMessage().startsWith("data (" + thirteen.name() + ", 1x13x13): the convolutional autoencoder needs"), e.getMessage());
        List<BufferedImage> images = List.of(new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY));
        e = assertThrows(IllegalArgumentException.class, () -> quick().imageSize(13, 13).build().fit(images));
        assertTrue(e.getMessage().startsWith("images (resized to imageSize 13x13): the convolutional autoencoder needs"), e.getMessage());
    }
}
