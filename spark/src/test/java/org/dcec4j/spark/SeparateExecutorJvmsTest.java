package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.ImageFolder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module's work with executors in JVMs of their own: Spark's {@code local-cluster[2,1,1024]} master, an in-process
 * standalone Master and two Workers that each launch an executor JVM, as on a cluster (the other Spark tests run
 * {@code local[2,2]}, where driver and executors share one JVM and so one {@link ExecutorState}, one kernel backend, one
 * set of system properties).
 *
 * <p>The Worker builds the executor's command with spark-launcher's {@code WorkerCommandBuilder}, whose
 * {@code AbstractCommandBuilder.buildClassPath} needs a Spark home: the environment variable {@code SPARK_HOME} of the
 * driver's JVM (the Worker reads it; {@code spark.test.home} only under {@code spark.testing}), a {@code jars} folder in
 * it ({@code CommandBuilderUtils.findJarsDir}: "Library directory '…/assembly/target/scala-2.13/jars' does not exist;
 * make sure Spark is built" otherwise) and the Scala version ({@code SPARK_SCALA_VERSION}, else it looks for
 * {@code launcher/target/scala-2.13} in the home: "Cannot find any build directories"). The test makes such a home in a
 * temporary folder: {@code jars/} holds links to the jars of the test's class path (Spark, Hadoop, picocli, JOML, …, as a
 * distribution's {@code jars/} does), and dcec4j's own classes (the modules' class folders) go into one application jar
 * given as {@code spark.jars}, which the executors fetch from the driver and load in their own class loader, as with
 * {@code spark-submit}. The driver is a child JVM ({@link Driver}): the Worker's Spark home comes from the environment,
 * which a running JVM cannot change, and this JVM may already hold the other tests' local session.
 *
 * <p>What it is compared with is computed in this JVM: the single-machine results without Spark, and the short run's
 * local-mode result in the other tests' {@code local[2,2]} session ({@link SparkTests#session}).
 */
class SeparateExecutorJvmsTest {
    @TempDir static Path tmp;
    static DcecModel model;
    static Path folder;
    static Dataset loaded;
    static Map<String, Object> got;
    static String driverLog;

    /** The pretraining compared: on one partition it is the single-machine pretraining bit for bit, in both modes. */
    static final Dataset PRETRAIN_DATA = Shapes.generate(150, 11, 16);

    static DcecConfig pretrainConfig() { return SparkTrainingTest.config(4, 1, 0, 10, 7); }

    @BeforeAll static void runTheDriver() throws Exception {
        Dataset shapes = Shapes.generate(150, 5, 28);
        model = SparkTests.model(shapes, 4);
        folder = tmp.resolve("images");
        SparkTests.writeFolder(folder, shapes);
        loaded = ImageFolder.load(folder, 1, 28, 28);
        Path modelFile = Files.write(tmp.resolve("model.dc4j"), model.toBytes());
        // a folder with a name beyond ASCII, for executors under LC_ALL=C
        Path localeFolder = Files.createDirectories(tmp.resolve("locale"));
        Path first;
        try (Stream<Path> s = Files.list(folder.resolve("c" + shapes.labels()[0]))) { first = s.sorted().findFirst().orElseThrow(); }
        Path a = Files.copy(first, localeFolder.resolve("a.png"));
        Files.copy(a, localeFolder.resolve("caf\u00e9.png"));
        Path home = sparkHome(tmp.resolve("spark-home"));
        Path app = applicationJar(tmp.resolve("dcec4j-test-app.jar"));
        Path result = tmp.resolve("result.bin");
        Path log = tmp.resolve("driver.log");

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(JvmOptions.get().trim().split("\\s+")));
        cmd.addAll(List.of("-Xmx768m", "-Xss4m", "-cp", System.getProperty("java.class.path"), Driver.class.getName(),
                result.toString(), modelFile.toString(), folder.toString(), app.toString(), localeFolder.toString()));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("SPARK_HOME", home.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.13");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().keySet().removeIf(k -> k.startsWith("LC_"));
        b.environment().put("LANG", "C.UTF-8");
        Process p = b.start();
        try {
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            driverLog = Files.readString(log, StandardCharsets.UTF_8) + executorLogs(home);
            assertTrue(done, "the driver JVM did not finish in 300 s:\n" + driverLog);
            assertEquals(0, p.exitValue(), "the driver JVM failed:\n" + driverLog);
        } finally {
            p.destroyForcibly();
        }
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(result))) {
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) in.readObject();
            got = m;
        }
    }

    /** The Spark home the Worker builds executor commands from: jars/, links to the class path's jars (no RELEASE file needed). */
    static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Set<String> names = new HashSet<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (!Files.isRegularFile(p) || !e.endsWith(".jar")) continue;
            String name = p.getFileName().toString();
            if (!names.add(name)) name = names.size() + "-" + name;
            Files.createSymbolicLink(jars.resolve(name), p.toAbsolutePath());
        }
        return home;
    }

    /** dcec4j's classes as one jar (what spark-submit's application jar brings): every class folder of the class path. */
    static Path applicationJar(Path jar) throws IOException {
        Set<String> seen = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path dir = Path.of(e);
                if (!Files.isDirectory(dir)) continue;
                List<Path> files;
                try (Stream<Path> s = Files.walk(dir)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
                for (Path f : files) {
                    String name = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                    if (name.equals("META-INF/MANIFEST.MF") || !seen.add(name)) continue;
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** The executors' stdout and stderr (the Worker writes them into the Spark home's work folder, one folder per app and executor). */
    static String executorLogs(Path home) throws IOException {
        Path work = home.resolve("work");
        if (!Files.isDirectory(work)) return "\n(no executor ever started: no " + work + ")";
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.equals("stderr") && !n.equals("stdout")) continue;
                String text = Files.readString(f, StandardCharsets.UTF_8);
                s.append("\n---- ").append(work.relativize(f)).append(" ----\n")
                        .append(text.length() > 6000 ? "…" + text.substring(text.length() - 6000) : text);
            }
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------ the assertions

    @SuppressWarnings("unchecked")
    static <T> T get(String key) {
        Object v = got.get(key);
        assertNotNull(v, key + " missing from the driver's result; its log:\n" + driverLog);
        return (T) v;
    }

    /**
     * The jobs' tasks ran on the two executors, each a JVM of its own: neither the driver's nor this one, each with the
     * Vector API module (SparkContext adds Spark's module options, --add-modules=jdk.incubator.vector among them, to
     * spark.executor.extraJavaOptions) and so the vector kernels, as on the driver.
     */
    @Test void theTasksRanInTwoExecutorJvmsOtherThanTheDriver() {
        long driverPid = get("driver.pid");
        assertFalse(driverPid == ProcessHandle.current().pid());
        List<String> probes = get("probes");          // one per task: executorId|pid|vector module|isVector backend|jnu encoding
        Set<String> executors = new TreeSet<>(), pids = new TreeSet<>();
        for (String p : probes) {
            String[] f = p.split("\\|");
            executors.add(f[0]);
            pids.add(f[1]);
            assertFalse(f[1].equals(Long.toString(driverPid)) || f[1].equals(Long.toString(ProcessHandle.current().pid())), p);
            assertEquals("true", f[2], "the Vector API module on the executor: " + p);
            assertTrue(f[3].startsWith("true "), "the executor's backend: " + p);
            assertEquals("UTF-8", f[4], "the executor's file name encoding: " + p);
        }
        assertEquals(Set.of("0", "1"), executors, String.valueOf(probes));
        assertEquals(2, pids.size(), "two executor JVMs: " + probes);
        // every task of the inference jobs ran on an executor, and both executors took some
        Map<String, Integer> inferenceTasks = get("inference.tasks");
        System.out.println("driver pid " + driverPid + ", test JVM pid " + ProcessHandle.current().pid() + "; tasks of the probe job: " + probes
                + "; tasks of the inference jobs by executor: " + inferenceTasks);
        assertEquals(Set.of("0", "1"), inferenceTasks.keySet(), "executors of the inference jobs' tasks: " + inferenceTasks);
    }

    /** predict through the module in the executors' JVMs: every label, q bit and confidence bit of DcecModel.predict. */
    @Test void predictGivesTheSingleMachineLabelsAndQBitForBit() throws IOException {
        Map<String, Integer> index = index();
        int K = model.clusters();
        int[] labels = model.predict(loaded);
        float[][] q = model.predictProba(loaded.images(), loaded.size());
        Map<String, float[]> rows = get("predict");  // file name → [cluster, confidence, q0..]
        assertEquals(loaded.size(), rows.size());
        for (Map.Entry<String, float[]> r : rows.entrySet()) {
            int i = index.get(r.getKey());
            float[] v = r.getValue();
            assertEquals(labels[i], (int) v[0], r.getKey());
            float best = q[i][0];
            for (int j = 1; j < K; j++) best = Math.max(best, q[i][j]);
            assertEquals(Float.floatToRawIntBits(best), Float.floatToRawIntBits(v[1]), r.getKey() + " confidence");
            for (int j = 0; j < K; j++)
                assertEquals(Float.floatToRawIntBits(q[i][j]), Float.floatToRawIntBits(v[2 + j]), r.getKey() + " q" + j);
        }
        int partitions = get("predict.partitions");
        assertTrue(partitions > 1, "several partitions: " + partitions);
    }

    /** embed through the module in the executors' JVMs: every z bit of DcecModel.embed. */
    @Test void embedGivesTheSingleMachineEmbeddingsBitForBit() throws IOException {
        Map<String, Integer> index = index();
        float[][] z = model.embed(loaded.images(), loaded.size());
        Map<String, float[]> rows = get("embed");
        assertEquals(loaded.size(), rows.size());
        for (Map.Entry<String, float[]> r : rows.entrySet()) {
            int i = index.get(r.getKey());
            float[] v = r.getValue();
            for (int j = 0; j < z[i].length; j++)
                assertEquals(Float.floatToRawIntBits(z[i][j]), Float.floatToRawIntBits(v[j]), r.getKey() + " z" + j);
        }
    }

    /**
     * Pretraining on one partition, with the executors' tasks in other JVMs, is the single-machine pretraining bit for
     * bit (weights and epoch losses) in both modes, as SparkTrainingTest shows in local mode.
     */
    @Test void pretrainingOnOnePartitionIsTheSingleMachinePretrainingBitForBit() throws IOException {
        SparkTrainingTest.Capture single = new SparkTrainingTest.Capture();
        try (Backend backend = Backend.create(Backend.Kind.AUTO, 1)) {
            new DcecTrainer(pretrainConfig(), PRETRAIN_DATA).backend(backend).pretrainOnly(true).listener(single).run();
        }
        for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
            List<float[]> weights = get("pretrain." + mode + ".weights");
            List<Double> losses = get("pretrain." + mode + ".losses");
            assertEquals(single.weights.size(), weights.size(), mode.toString());
            for (int i = 0; i < weights.size(); i++) {
                float[] a = single.weights.get(i), w = weights.get(i);
                assertEquals(a.length, w.length);
                for (int j = 0; j < a.length; j++)
                    assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(w[j]), mode + ": parameter " + i + "[" + j + "]");
            }
            assertEquals(single.losses, losses, mode.toString());
        }
    }

    /**
     * An executor under another locale than the driver's: with LC_ALL=C on the executors (spark.executorEnv), JDK 17
     * encodes file names in US-ASCII there, and a file the driver (under C.UTF-8) listed, café.png, is opened under
     * another name. predict failed with Spark's "File file:/…/café.png does not exist" (exit code 1), for a file that
     * exists; now the file is named with the executor, its file name encoding and the fix, in predict and in
     * train's reading of a folder.
     */
    @Test void anExecutorThatCannotSpellAFileNameSaysSoAndHowToFixIt() {
        String driverEncoding = get("driver.jnu");
        org.junit.jupiter.api.Assumptions.assumeTrue(driverEncoding.equals("UTF-8"),
                "the driver JVM under LANG=C.UTF-8 decodes file names as " + driverEncoding + ", not UTF-8: no C.UTF-8 locale here");
        List<String> probes = get("c.probes");
        String encoding = probes.get(0).substring(probes.get(0).lastIndexOf('|') + 1);
        assertFalse(encoding.equals("UTF-8"), "the executors under LC_ALL=C: " + probes);
        for (String what : List.of("c.predict", "c.train")) {
            String message = ((String) get(what)).lines().findFirst().orElse("");
            System.out.println(what + ": " + message);
            assertTrue(message.startsWith("file:") && message.contains(tmp.resolve("locale").resolve("caf\u00e9.png") + ": executor ")
                    && message.contains("cannot open the file, which the driver listed: its JVM encodes file names in " + encoding + " ")
                    && message.contains("--conf spark.executorEnv.LANG=C.UTF-8"), what + ": " + get(what));
        }
        long t0 = get("time.start");
        for (String k : got.keySet())
            if (k.startsWith("time.")) System.out.printf("driver JVM: %s at %.1f s%n", k.substring(5), ((Long) got.get(k) - t0) / 1e9);
    }

    /**
     * A short distributed run (synchronous pretraining, k-means, clustering with target updates) on two partitions gives,
     * with the executors in JVMs of their own, the model file and labels that the same run gives in local mode, bit for bit:
     * every sum over partitions is added in partition order, so where a task ran does not enter.
     */
    @Test void aShortRunOnTwoPartitionsGivesTheLocalModeModelBitForBit() throws IOException {
        Object[] local = shortRun(SparkTests.session());
        byte[] model = get("run.model");
        assertEquals(local[2], get("run.iterations"), "iterations");
        assertArrayEquals((int[]) local[1], get("run.labels"), "labels");
        assertArrayEquals((byte[]) local[0], model, "model.dc4j bytes");
    }

    static final Dataset RUN_DATA = Shapes.generate(200, 13, 16);

    /** The short run's model bytes, its labels in index order and its iterations. */
    static Object[] shortRun(SparkSession spark) throws IOException {
        DcecConfig cfg = SparkTrainingTest.config(4, 1, 24, 8, 5);
        TrainingData data = TrainingData.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), RUN_DATA, 2);
        try (Backend backend = Backend.create(Backend.Kind.AUTO, 1)) {
            SparkDcecTrainer.Result r = new SparkDcecTrainer(spark, cfg, data).backend(backend).run();
            List<Row> rows = r.predictions(spark).orderBy("index").collectAsList();
            int[] labels = new int[rows.size()];
            for (int i = 0; i < labels.length; i++) labels[i] = rows.get(i).getInt(2);
            r.release();
            return new Object[] {r.model().toBytes(), labels, r.iterations()};
        } finally {
            data.release();
        }
    }

    /** The single-machine result's index of every file name (the loader's order: class folders, then paths). */
    static Map<String, Integer> index() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder)) {
            s.filter(p -> p.toString().endsWith(".png")).forEach(files::add);
        }
        files.sort((a, b) -> folder.relativize(a).toString().compareTo(folder.relativize(b).toString()));
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) index.put(files.get(i).getFileName().toString(), i);
        assertEquals(loaded.size(), index.size());
        return index;
    }

    // ------------------------------------------------------------------------------------------ the driver JVM

    /**
     * The driver: {@code Driver RESULT MODEL FOLDER APPJAR}; starts a local-cluster session, runs the module's jobs and
     * writes what they gave (a serialised map) to RESULT. The comparisons are the test's, in its own JVM.
     */
    public static final class Driver {
        static SparkSession session(String app, Map<String, String> conf) {
            SparkSession.Builder b = SparkSession.builder().master("local-cluster[2,1,1024]").appName("dcec4j-separate-executor-jvms")
                    .config("spark.jars", app)
                    .config("spark.executor.memory", "512m")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .config("spark.sql.files.maxPartitionBytes", "8192")
                    .config("spark.sql.files.openCostInBytes", "1024");
            conf.forEach(b::config);
            return b.getOrCreate();
        }

        /** What dcec-spark prints for a failed job (SparkErrors.describe), then the whole trace. */
        static String failure(Exception e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            return SparkErrors.describe(e) + "\n" + w;
        }

        /** Both executors registered (the driver counts as one more). */
        static void waitForExecutors(JavaSparkContext sc) throws InterruptedException {
            long end = System.nanoTime() + 120_000_000_000L;
            while (sc.statusTracker().getExecutorInfos().length < 3) {
                if (System.nanoTime() > end) throw new IllegalStateException("2 executors did not register in 120 s");
                Thread.sleep(200);
            }
        }

        /** One line per task of an 8-task job: executorId|pid|vector module|isVector backend|sun.jnu.encoding. */
        static ArrayList<String> probes(JavaSparkContext sc) {
            List<Integer> parts = new ArrayList<>();
            for (int i = 0; i < 8; i++) parts.add(i);
            return new ArrayList<>(sc.parallelize(parts, 8).map(i -> SparkEnv.get().executorId() + "|" + ProcessHandle.current().pid()
                    + "|" + Backend.vectorModulePresent() + "|" + ExecutorState.backend().isVector() + " " + ExecutorState.backend().describe()
                    + "|" + System.getProperty("sun.jnu.encoding")).collect());
        }

        public static void main(String[] args) throws Exception {
            Path result = Path.of(args[0]), modelFile = Path.of(args[1]);
            String folder = args[2], app = args[3];
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("driver.pid", ProcessHandle.current().pid());
            out.put("driver.jnu", System.getProperty("sun.jnu.encoding"));
            out.put("time.start", System.nanoTime());
            SparkSession spark = session(app, Map.of());
            try {
                out.put("time.session", System.nanoTime());
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                waitForExecutors(sc);
                out.put("time.executors", System.nanoTime());
                out.put("probes", probes(sc));

                Map<String, Integer> tasks = Collections.synchronizedMap(new java.util.TreeMap<>());
                SparkListener listener = new SparkListener() {
                    @Override public void onTaskEnd(SparkListenerTaskEnd e) { tasks.merge(e.taskInfo().executorId(), 1, Integer::sum); }
                };
                spark.sparkContext().addSparkListener(listener);
                byte[] bytes = Files.readAllBytes(modelFile);
                ImageSources.Source src = ImageSources.files(spark, folder);
                out.put("predict.partitions", src.rows().javaRDD().getNumPartitions());
                Map<String, float[]> predict = new LinkedHashMap<>();
                for (Row r : SparkInference.run(spark, bytes, src, SparkInference.Output.PREDICT, true, 7).collectAsList()) {
                    List<Float> q = r.getList(3);
                    float[] v = new float[2 + q.size()];
                    v[0] = r.getInt(1);
                    v[1] = r.getFloat(2);
                    for (int j = 0; j < q.size(); j++) v[2 + j] = q.get(j);
                    predict.put(SparkInferenceTest.name(r.getString(0)), v);
                }
                out.put("predict", predict);
                Map<String, float[]> embed = new LinkedHashMap<>();
                for (Row r : SparkInference.run(spark, bytes, ImageSources.files(spark, folder), SparkInference.Output.EMBED, false, 256).collectAsList()) {
                    List<Float> z = r.getList(3);
                    float[] v = new float[z.size()];
                    for (int j = 0; j < v.length; j++) v[j] = z.get(j);
                    embed.put(SparkInferenceTest.name(r.getString(0)), v);
                }
                out.put("embed", embed);
                spark.sparkContext().listenerBus().waitUntilEmpty();
                spark.sparkContext().removeSparkListener(listener);
                out.put("inference.tasks", new java.util.TreeMap<>(tasks));

                try (Backend backend = Backend.create(Backend.Kind.AUTO, 1)) {
                    for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
                        TrainingData one = TrainingData.of(sc, PRETRAIN_DATA, 1);
                        SparkTrainingTest.Capture c = new SparkTrainingTest.Capture();
                        new SparkDcecTrainer(spark, pretrainConfig(), one).backend(backend).pretraining(mode).pretrainOnly(true).listener(c).run();
                        one.release();
                        out.put("pretrain." + mode + ".weights", new ArrayList<>(c.weights));
                        out.put("pretrain." + mode + ".losses", new ArrayList<>(c.losses));
                    }
                }
                out.put("time.pretraining", System.nanoTime());
                Object[] run = shortRun(spark);
                out.put("run.model", run[0]);
                out.put("run.labels", run[1]);
                out.put("run.iterations", run[2]);
                out.put("time.run", System.nanoTime());
            } finally {
                spark.stop();
            }
            out.put("time.stopped", System.nanoTime());
            // an executor under another locale than the driver's: LC_ALL=C, where JDK 17 decodes file names as ASCII
            SparkSession c = session(app, Map.of("spark.executorEnv.LC_ALL", "C", "spark.executorEnv.LANG", "C",
                    "spark.task.maxFailures", "1"));            // the failing tasks are not tried 4 times
            try {
                out.put("time.cSession", System.nanoTime());
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(c.sparkContext());
                waitForExecutors(sc);
                out.put("time.cExecutors", System.nanoTime());
                out.put("c.probes", probes(sc));
                System.out.println("executors under LC_ALL=C: " + out.get("c.probes"));
                try {
                    out.put("c.predict", "no error: " + SparkInference.run(c, Files.readAllBytes(modelFile), ImageSources.files(c, args[4]),
                            SparkInference.Output.PREDICT, false, 256).collectAsList().size() + " rows");
                } catch (Exception e) {
                    out.put("c.predict", failure(e));
                }
                try {
                    out.put("c.train", "no error: " + TrainingData.fromFiles(c, args[4], 1, 28, 28, 2).size() + " images");
                } catch (Exception e) {
                    out.put("c.train", failure(e));
                }
                out.put("time.cDone", System.nanoTime());
            } finally {
                c.stop();
            }
            try (OutputStream f = Files.newOutputStream(result); ObjectOutputStream o = new ObjectOutputStream(f)) {
                o.writeObject((Serializable) out);
            }
        }
    }
}
