package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.quick;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict, embed, evaluate and info checked against independent computations. */
class ModelCommandsCheckTest {
    @TempDir static Path tmp;
    static Path images, out, model;
    static Dataset d;

    @BeforeAll static void train() throws Exception {
        d = Shapes.generate(40, 3, 12);
        images = pngFolder(tmp.resolve("images"), d);
        out = tmp.resolve("run");
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", out.toString()));
        assertEquals(0, r[0], (String) r[2]);
        model = out.resolve("model.dc4j");
    }

    /** The numeric columns of predict's or embed's CSV (an image folder's last column, its file, left out: no name here needs quotes). */
    static double[][] csv(Path p) throws Exception {
        List<String> lines = Files.readAllLines(p);
        int columns = lines.get(0).split(",").length - (lines.get(0).endsWith(",file") ? 1 : 0);
        double[][] v = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++)
            v[i - 1] = Arrays.stream(lines.get(i).split(",")).limit(columns).mapToDouble(Double::parseDouble).toArray();
        return v;
    }

    /** confidence = max_j q_ij and cluster = argmax, recomputed from embed's z and the model's μ with the Student's t kernel. */
    @Test void predictMatchesStudentTOfEmbedAndCentres() throws Exception {
        Locale before = Locale.getDefault();
        Path pred = tmp.resolve("p.csv"), emb = tmp.resolve("e.csv");
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals(0, run("predict", "--model", model.toString(), "--dataset", images.toString(), "--output", pred.toString())[0]);
            assertEquals(0, run("embed", "--model", model.toString(), "--dataset", images.toString(), "--output", emb.toString())[0]);
        } finally {
            Locale.setDefault(before);
        }
        TensorFile f = TensorFile.read(model);
        float[] mu = f.get("mu").data();
        int K = f.get("mu").shape()[0], D = f.get("mu").shape()[1];
        double alpha = Double.parseDouble(f.meta("alpha"));
        double[][] p = csv(pred), z = csv(emb);
        assertEquals(d.size(), p.length);
        assertEquals(d.size(), z.length);
        for (int i = 0; i < p.length; i++) {
            assertEquals(i, (int) p[i][0]);
            assertEquals(i, (int) z[i][0]);
            assertEquals(D + 1, z[i].length);
            double[] q = new double[K];
            double s = 0;
            for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int t = 0; t < D; t++) d2 += (z[i][t + 1] - mu[j * D + t]) * (z[i][t + 1] - mu[j * D + t]);
                q[j] = Math.pow(1 + d2 / alpha, -(alpha + 1) / 2);
                s += q[j];
            }
            int best = 0;
            for (int j = 0; j < K; j++) { q[j] /= s; if (q[j] > q[best]) best = j; }
            assertEquals(q[best], p[i][2], 2e-5, "row " + i);
            assertEquals(best, (int) p[i][1], "row " + i);
        }
    }

    /** evaluate's ACC, NMI and ARI against predict's CSV and the labels, computed here from scratch. */
    @Test void evaluateMatchesMetricsOfPredictions() throws Exception {
        Path pred = tmp.resolve("p2.csv");
        assertEquals(0, run("predict", "--model", model.toString(), "--dataset", images.toString(), "--output", pred.toString())[0]);
        double[][] p = csv(pred);
        // the folder's labels: sub-folder classK, sorted by name, files by name
        int N = p.length;
        int[] y = new int[N];
        List<Path> files = new ArrayList<>();
        try (var w = Files.walk(images)) { w.filter(Files::isRegularFile).sorted().forEach(files::add); }
        List<String> classes = files.stream().map(x -> x.getParent().getFileName().toString()).distinct().sorted().toList();
        for (int i = 0; i < N; i++) y[i] = classes.indexOf(files.get(i).getParent().getFileName().toString());
        int[] c = new int[N];
        for (int i = 0; i < N; i++) c[i] = (int) p[i][1];
        int R = 0, K = 0;
        for (int i = 0; i < N; i++) { R = Math.max(R, y[i] + 1); K = Math.max(K, c[i] + 1); }
        long[][] n = new long[R][K];
        for (int i = 0; i < N; i++) n[y[i]][c[i]]++;
        // ACC by brute force over assignments of clusters to classes
        double acc = bestMatch(n, 0, new boolean[R]) / (double) N;
        long[] a = new long[R], b = new long[K];
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) { a[i] += n[i][j]; b[j] += n[i][j]; }
        double mi = 0, ha = 0, hb = 0;
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) if (n[i][j] > 0)
            mi += n[i][j] / (double) N * Math.log((double) n[i][j] * N / ((double) a[i] * b[j]));
        for (long v : a) if (v > 0) ha -= v / (double) N * Math.log(v / (double) N);
        for (long v : b) if (v > 0) hb -= v / (double) N * Math.log(v / (double) N);
        double nmi = mi / ((ha + hb) / 2), nmiGeo = mi / Math.sqrt(ha * hb);
        double sij = 0, sa = 0, sb = 0;
        for (int i = 0; i < R; i++) for (int j = 0; j < K; j++) sij += n[i][j] * (n[i][j] - 1) / 2.0;
        for (long v : a) sa += v * (v - 1) / 2.0;
        for (long v : b) sb += v * (v - 1) / 2.0;
        double pairs = N * (N - 1) / 2.0, exp = sa * sb / pairs;
        double ari = (sij - exp) / ((sa + sb) / 2 - exp);
        Locale before = Locale.getDefault();
        Object[] r;
        try {
            Locale.setDefault(Locale.GERMANY);
            r = run("evaluate", "--model", model.toString(), "--dataset", images.toString());
        } finally {
            Locale.setDefault(before);
        }
        assertEquals(0, r[0], (String) r[2]);
        String expected = String.format(Locale.ROOT, "(%d images): ACC %.4f  NMI %.4f  NMI(geometric) %.4f  ARI %.4f", N, acc, nmi, nmiGeo, ari);
        assertTrue(((String) r[1]).contains(expected), r[1] + " vs " + expected);
    }

    /**
     * predict, embed and evaluate in batches of 7 (40 images: five full batches and one of 5) give, row by row, what the
     * library gives on the whole folder in one call: TrainedModel.features and predict on the images Datasets.open reads,
     * each row's index, file, z bit for bit, cluster, confidence (%.6f), and evaluate's scores from Scores.of on the
     * folder's labels. The other tests use the default --batch-size 256, one batch, where an image's index within its
     * batch is its index in the set.
     */
    @Test void batchedCommandsMatchTheLibraryOnTheWholeSetRowByRow() throws Exception {
        org.dcec4j.dcec.train.TrainedModel m = org.dcec4j.dcec.train.TrainedModel.load(model);
        Dataset all;
        List<String> files;
        try (var s = org.dcec4j.datasets.Datasets.open(images.toString(), org.dcec4j.datasets.DataSource.fromEnvironment(null),
                m.channels, m.height, m.width, Integer.MAX_VALUE)) {
            files = s.fileNames();
            all = s.readAll();
        }
        int N = all.size(), K = m.featureSize();
        assertEquals(40, N);
        assertEquals(N, files.size());
        float[] z = m.features(all.images(), N, N);
        org.dcec4j.dcec.train.TrainedModel.Assignments a = m.predict(all.images(), N, N);
        Path pred = tmp.resolve("batched-p.csv"), emb = tmp.resolve("batched-e.csv");
        Object[] r = run("predict", "--model", model.toString(), "--dataset", images.toString(), "--batch-size", "7", "--output", pred.toString());
        assertEquals(0, r[0], (String) r[2]);
        r = run("embed", "--model", model.toString(), "--dataset", images.toString(), "--batch-size", "7", "--output", emb.toString());
        assertEquals(0, r[0], (String) r[2]);
        List<String> p = Files.readAllLines(pred), e = Files.readAllLines(emb);
        assertEquals(N + 1, p.size());
        assertEquals(N + 1, e.size());
        for (int i = 0; i < N; i++) {
            String file = files.get(i);
            assertEquals(i + "," + a.labels()[i] + "," + String.format(Locale.ROOT, "%.6f", a.confidence()[i]) + "," + file, p.get(i + 1), "row " + i);
            String[] f = e.get(i + 1).split(",");
            assertEquals(K + 2, f.length, e.get(i + 1));
            assertEquals(Integer.toString(i), f[0]);
            for (int j = 0; j < K; j++) assertEquals(z[i * K + j], Float.parseFloat(f[j + 1]), "z" + j + " of row " + i);
            assertEquals(file, f[K + 1]);
        }
        r = run("evaluate", "--model", model.toString(), "--dataset", images.toString(), "--batch-size", "7");
        assertEquals(0, r[0], (String) r[2]);
        org.dcec4j.dcec.train.Scores sc = org.dcec4j.dcec.train.Scores.of(all.labels(), a.labels());
        String expected = String.format(Locale.ROOT, "(%d images): ACC %.4f  NMI %.4f  NMI(geometric) %.4f  ARI %.4f", N, sc.acc(), sc.nmi(),
                org.dcec4j.dcec.metrics.Metrics.nmi(all.labels(), a.labels(), org.dcec4j.dcec.metrics.NmiAverage.GEOMETRIC), sc.ari());
        assertTrue(((String) r[1]).contains(expected), r[1] + " vs " + expected);
    }

    static long bestMatch(long[][] n, int j, boolean[] used) {
        if (j == n[0].length) return 0;
        long best = bestMatch(n, j + 1, used);   // cluster j unmatched
        for (int i = 0; i < n.length; i++) if (!used[i]) {
            used[i] = true;
            best = Math.max(best, n[i][j] + bestMatch(n, j + 1, used));
            used[i] = false;
        }
        return best;
    }

    /** A truncated model, a non-model file, an empty folder: an error naming the file, and no output file. */
    @Test void badInputsNameTheFileAndLeaveNoOutput() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        Path cut = Files.write(tmp.resolve("cut.dc4j"), Arrays.copyOf(bytes, bytes.length / 2));
        Path text = Files.writeString(tmp.resolve("notes.dc4j"), "hello, not a model\n");
        Path weights = out.resolve("cae_weights.dc4j");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path emptyClasses = Files.createDirectories(tmp.resolve("emptyc/a"));
        for (String cmd : List.of("predict", "embed", "evaluate", "info")) {
            for (Object[] c : new Object[][] {{cut, model, "cut.dc4j"}, {text, model, "notes.dc4j"}, {weights, model, "cae_weights.dc4j"},
                    {model, empty, "empty"}, {model, emptyClasses.getParent(), "emptyc"}}) {
                if (cmd.equals("info") && c[1] != model) continue;
                if (cmd.equals("info") && c[0] == weights) continue;
                Path o = tmp.resolve("o-" + cmd + ".csv");
                List<String> args = new ArrayList<>(cmd.equals("info") ? List.of("info", c[0].toString())
                        : List.of(cmd, "--model", c[0].toString(), "--dataset", (c[1] == model ? images : (Path) c[1]).toString()));
                if (cmd.equals("predict") || cmd.equals("embed")) args.addAll(List.of("--output", o.toString()));
                Object[] r = run(args.toArray(new String[0]));
                System.out.println(String.join(" ", args) + " -> " + r[0] + "\n  " + r[1] + r[2]);
                assertTrue((int) r[0] != 0, String.join(" ", args));
                assertTrue(((String) r[2]).contains((String) c[2]), String.join(" ", args) + ": " + r[2]);
                assertFalse(Files.exists(o));
            }
        }
    }

    @Test void infoDescribesTheModel() throws Exception {
        Locale before = Locale.getDefault();
        Object[] r;
        try {
            Locale.setDefault(Locale.GERMANY);
            r = run("info", model.toString());
        } finally {
            Locale.setDefault(before);
        }
        System.out.println(r[1]);
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("1x12x12 images, 4 clusters"), (String) r[1]);
    }

    /** An image that cannot be decoded after several batches were written: exit 1 naming it, the old output intact, no temporary file. */
    @Test void aBadImageMidwayLeavesTheOldOutputAndNoTemporaryFile() throws Exception {
        Path bad = tmp.resolve("bad");
        for (Path f : (Iterable<Path>) Files.walk(images).filter(Files::isRegularFile)::iterator) {
            Path t = bad.resolve(images.relativize(f));
            Files.createDirectories(t.getParent());
            Files.copy(f, t);
        }
        Files.writeString(bad.resolve("class2/zzz.png"), "not a png");
        Path dir = Files.createDirectories(tmp.resolve("outs"));
        for (String cmd : List.of("predict", "embed")) {
            Path o = Files.writeString(dir.resolve(cmd + ".csv"), "old\n");
            Object[] r = run(cmd, "--model", model.toString(), "--dataset", bad.toString(), "--batch-size", "4", "--output", o.toString());
            assertEquals(1, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("zzz.png"), (String) r[2]);
            assertEquals("old\n", Files.readString(o));
        }
        try (var l = Files.list(dir)) { assertEquals(2, l.count()); }
    }

    /** info on a run folder (not a file) says so and names the folder's dcec4j files, exit 2, rather than "run (Is a directory)". */
    @Test void infoOnAFolderNamesItsFiles() {
        Object[] r = run("info", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        String err = (String) r[2];
        assertTrue(err.startsWith("dcec: " + out + ": is a folder, not a file dcec4j wrote;"), err);
        assertTrue(err.contains(out.resolve("model.dc4j").toString()) && err.contains(out.resolve("cae_weights.dc4j").toString()), err);
    }

    /** A model/image-size mismatch names the model file as well as the data and both geometries. */
    @Test void aSizeMismatchNamesTheModelFile() {
        Object[] r = run("predict", "--model", model.toString(), "--dataset", "shapes", "--limit", "5", "--output", tmp.resolve("m.csv").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("shapes has 1x28x28 images but the model takes 1x12x12 (--model " + model + ")"), (String) r[2]);
        assertFalse(Files.exists(tmp.resolve("m.csv")));
    }

    /** An empty --output (the current folder) is refused naming the option, exit 2, as an empty --out is. */
    @Test void anEmptyOutputIsRefusedNamingTheOption() {
        for (String cmd : List.of("predict", "embed")) {
            Object[] r = run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--output", "");
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).startsWith("dcec: --output is empty: name the CSV file to write"), (String) r[2]);
        }
    }

    /**
     * info on a model with one NaN weight (checksums intact: a diverged run's) says that predict, embed and evaluate refuse
     * it and why, instead of describing it as a usable model; a good model gets no such line.
     */
    @Test void infoSaysWhenTheModelCommandsWouldRefuseAModel() throws Exception {
        Path broken = modelWith("nan-model.dc4j", (n, v) -> { if (n.equals("mu")) v[2] = Float.NaN; });
        Object[] r = run("info", broken.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("\n  predict, embed and evaluate refuse it: tensor 'mu' holds NaN at index 2: the model is broken"), (String) r[1]);
        r = run("info", model.toString());
        assertFalse(((String) r[1]).contains("refuse"), (String) r[1]);
    }

    /**
     * A model whose weights are finite (it loads) but so large that the images' activations overflow float: predict,
     * embed and evaluate stop at the first image with exit code 1, naming the model, the image and its file, and leave
     * the earlier output as it was. They wrote rows of NaN (cluster 0, confidence NaN) and scores of them, exit code 0.
     */
    @Test void aModelThatOverflowsOnTheImagesIsRefusedNotWrittenAsNaN() throws Exception {
        Path huge = modelWith("huge.dc4j", (n, v) -> {
            if (n.equals("model.encoder.conv1.weight") || n.equals("model.encoder.conv2.weight"))
                for (int i = 0; i < v.length; i++) v[i] *= 1e38f;
        });
        Path dir = Files.createDirectories(tmp.resolve("huge-outs"));
        String first = Files.walk(images).filter(Files::isRegularFile).map(p -> images.relativize(p).toString().replace('\\', '/')).sorted().findFirst().orElseThrow();
        for (String cmd : List.of("predict", "embed", "evaluate")) {
            Path o = Files.writeString(dir.resolve(cmd + ".csv"), "old\n");
            List<String> args = new ArrayList<>(List.of(cmd, "--model", huge.toString(), "--dataset", images.toString(), "--batch-size", "4"));
            if (!cmd.equals("evaluate")) args.addAll(List.of("--output", o.toString()));
            Object[] r = run(args.toArray(new String[0]));
            assertEquals(1, r[0], cmd + ": " + r[1] + r[2]);
            assertEquals("", r[1], cmd);
            assertEquals("dcec: " + huge + ": at image 0 of " + d.size() + " of " + images.getFileName() + " (" + first + "): expected a finite "
                    + (cmd.equals("embed") ? "embedding" : "confidence (max_j q_ij)") + ", found NaN: the model's weights are finite but overflow"
                    + " float on this image (saved from a run that was diverging, or edited); train it again", ((String) r[2]).strip(), cmd);
            assertEquals("old\n", Files.readString(o), cmd);
        }
        try (var l = Files.list(dir)) { assertEquals(3, l.count()); }
    }

    /**
     * An --output that names an image of the --dataset folder (existing, or a new image name there, under any spelling of
     * the path) is refused before anything is read, exit 2, the image untouched: the CSV was renamed over it once the
     * images were read, destroying an image of the set. A hidden name or another extension in the folder is still written.
     */
    @Test void anOutputAmongTheDatasetsImagesIsRefused() throws Exception {
        Path image;
        try (var w = Files.walk(images)) { image = w.filter(Files::isRegularFile).sorted().findFirst().orElseThrow(); }
        byte[] before = Files.readAllBytes(image);
        Path spelled = images.resolve("class1/../class1/NEW.PNG");
        for (Object[] c : new Object[][] {{"predict", image}, {"embed", spelled}}) {
            Object[] r = run((String) c[0], "--model", model.toString(), "--dataset", images.toString(), "--output", c[1].toString());
            assertEquals(2, r[0], c[0] + ": " + r[1] + r[2]);
            assertEquals("dcec: --output " + c[1] + " is an image file of the --dataset folder " + images + " (the CSV would replace that"
                    + " image, or be read as one by the next command on the folder): choose another name or folder for the CSV", ((String) r[2]).strip());
            assertEquals("", r[1]);
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)));
        assertFalse(Files.exists(images.resolve("class1/NEW.PNG")));
        for (String name : List.of(image.getParent().getFileName() + "/.hidden.png", image.getParent().getFileName() + "/p.csv")) {
            Object[] r = run("predict", "--model", model.toString(), "--dataset", images.toString(), "--output", images.resolve(name).toString());
            assertEquals(0, r[0], name + ": " + r[2]);
            Files.delete(images.resolve(name));
        }
    }

    /**
     * embed with a kmeans model (no encoder) is refused naming the model file, exit 2, before the images are opened (an
     * empty folder is not even listed); it said "--model: ...", naming no file, and only after reading the data set (a
     * named set downloaded first), so an empty folder was reported instead.
     */
    @Test void embedRefusesAPixelModelNamingItBeforeReadingTheData() throws Exception {
        Path pixels = tmp.resolve("pixels");
        Object[] r = run(quick("train", "--method", "kmeans", "--dataset", images.toString(), "--out", pixels.toString(), "--no-report"));
        assertEquals(0, r[0], (String) r[2]);
        Path kmeans = pixels.resolve("model.dc4j"), empty = Files.createDirectories(tmp.resolve("no-images"));
        for (Path data : List.of(images, empty)) {
            r = run("embed", "--model", kmeans.toString(), "--dataset", data.toString(), "--output", tmp.resolve("z.csv").toString());
            assertEquals(2, r[0], data + ": " + r[2]);
            assertEquals("dcec: --model " + kmeans + ": a kmeans (pixel) model has no encoder to embed with", ((String) r[2]).strip(), data.toString());
            assertFalse(Files.exists(tmp.resolve("z.csv")));
        }
    }

    /**
     * An empty --dataset (a script's unset variable) is refused naming the option, exit 2, by the model commands and the
     * training commands alike: Path.of("") is the current folder, which was read as the image folder, its messages naming
     * the set "" ("dcec: : expected image files ...", exit 1).
     */
    /** An empty --data-dir is refused, exit 2: "" is the current folder to Path.of, which was searched without a word. */
    @Test void anEmptyDataDirIsRefusedNamingTheOption() {
        Object[] r = run("evaluate", "--model", model.toString(), "--dataset", "mnist-test", "--data-dir", "");
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: --data-dir is empty: name the folder that holds mnist/, usps/ or fashion-mnist/ (. for the current"
                + " folder), or drop it", ((String) r[2]).strip());
    }

    @Test void anEmptyDatasetIsRefusedNamingTheOption() {
        String expected = "dcec: --dataset is empty: give one of " + org.dcec4j.datasets.Datasets.names()
                + " or a folder of images (. for the current folder)";
        for (String cmd : List.of("predict", "embed", "evaluate", "train")) {
            Path o = tmp.resolve("empty-dataset-" + cmd);
            List<String> args = new ArrayList<>(List.of(cmd, "--dataset", ""));
            if (cmd.equals("train")) args.addAll(List.of("--out", o.toString()));
            else args.addAll(List.of("--model", model.toString()));
            if (cmd.equals("predict") || cmd.equals("embed")) args.addAll(List.of("--output", o.toString()));
            Object[] r = run(args.toArray(new String[0]));
            assertEquals(2, r[0], cmd + ": " + r[2]);
            assertEquals(expected, ((String) r[2]).strip(), cmd);
            assertFalse(Files.exists(o), cmd);
        }
    }

    /**
     * An empty --model (or info's FILE) and a folder given as --model say what they are, exit 2: "--model: no file at "
     * named nothing, "no file at run" hid that run is the folder holding the model, and info "" described the current
     * folder as one named "" ("dcec: : is a folder, ...").
     */
    @Test void anEmptyOrFolderModelSaysWhatItIs() {
        Path noModel = tmp.resolve("no-model");
        for (String cmd : List.of("predict", "embed", "evaluate")) {
            Object[][] cases = {{"", "dcec: --model is empty: name the model.dc4j file that `dcec train` or `dcec cluster` wrote"},
                    {out.toString(), "dcec: --model " + out + " is a folder, not a model file: give the model in it, " + model},
                    {images.toString(), "dcec: --model " + images + " is a folder, not a model file: give the model.dc4j that `dcec train`"
                            + " or `dcec cluster` wrote (this folder holds none)"}};
            for (Object[] c : cases) {
                List<String> args = new ArrayList<>(List.of(cmd, "--model", (String) c[0], "--dataset", images.toString()));
                if (!cmd.equals("evaluate")) args.addAll(List.of("--output", noModel.toString()));
                Object[] r = run(args.toArray(new String[0]));
                assertEquals(2, r[0], cmd + " " + c[0] + ": " + r[2]);
                assertEquals(c[1], ((String) r[2]).strip(), cmd);
                assertFalse(Files.exists(noModel));
            }
        }
        Object[] r = run("info", "");
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: FILE is empty: name a file dcec4j wrote (model.dc4j, checkpoint.dc4j, cae_weights.dc4j, ae_weights.dc4j)", ((String) r[2]).strip());
        assertEquals("", r[1]);
    }

    /**
     * info on files with a metadata entry missing says so instead of printing "null": a model without 'method' or
     * 'height' ("a trained null model for 1xnullx12 images"), a file without 'kind' ("of kind 'null'"), weights without
     * 'class'. The model's second line says why the model commands refuse it.
     */
    @Test void infoOnAFileWithMissingMetadataPrintsNoNull() throws Exception {
        Object[][] cases = {{model, List.of("method", "height"), "  a trained ? model for 1x?x12 images, 4 clusters; model files record no dcec4j version (the run's config.json does)"},
                {model, List.of("kind"), "  a tensor file with no 'kind' entry (not one the dcec command writes)"},
                {out.resolve("cae_weights.dc4j"), List.of("class"), "  the weights of a network whose class is not recorded (no 'class' entry; pretrained weights for --weights)"}};
        int i = 0;
        for (Object[] c : cases) {
            TensorFile f = TensorFile.read((Path) c[0]);
            TensorFile.Builder b = TensorFile.builder();
            f.meta().forEach((k, v) -> { if (!((List<?>) c[1]).contains(k)) b.meta(k, v); });
            for (String n : f.names()) b.tensor(n, f.get(n).shape(), f.get(n).data());
            Path edited = Files.write(tmp.resolve("edited" + i++ + ".dc4j"), b.toBytes());
            Object[] r = run("info", edited.toString());
            assertEquals(0, r[0], (String) r[2]);
            String[] lines = ((String) r[1]).split("\n");
            assertEquals(c[2], lines[1]);
            assertFalse(((String) r[1]).contains("null"), (String) r[1]);
        }
        // a checkpoint without its step and commit entries
        for (String phase : List.of("pretrain", "cluster")) {
            Path ck = Files.write(tmp.resolve("edited-" + phase + ".dc4j"), TensorFile.builder().meta("kind", "dcec-checkpoint")
                    .meta("phase", phase).meta("release", "0.1.0").tensor("mu", new int[] {1}, new float[1]).toBytes());
            Object[] r = run("info", ck.toString());
            assertEquals(0, r[0], (String) r[2]);
            String text = (String) r[1];
            assertTrue(text.contains((phase.equals("pretrain") ? "after epoch ?" : "at iteration ?") + ", written by dcec4j 0.1.0, commit ?"), text);
            assertFalse(text.contains("null"), text);
        }
    }

    /**
     * The lock file of a run folder (.dcec.lock) is refused as --output, exit 2, and left as it was: the CSV was renamed
     * over it, so a training running there held the lock of a file that was gone and a second one could take the folder.
     */
    @Test void aRunsLockFileIsRefusedAsOutput() throws Exception {
        Path lock = out.resolve(org.dcec4j.dcec.run.RunLock.FILE_NAME);
        assertTrue(Files.isRegularFile(lock));
        byte[] before = Files.readAllBytes(lock);
        for (String cmd : List.of("predict", "embed")) {
            Object[] r = run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--output", lock.toString());
            assertEquals(2, r[0], cmd + ": " + r[2]);
            assertEquals("dcec: --output " + lock + " is the lock file of the run folder " + out + " (.dcec.lock keeps two runs from writing"
                    + " there at once): choose another name or folder for the CSV", ((String) r[2]).strip(), cmd);
            assertTrue(Arrays.equals(before, Files.readAllBytes(lock)), cmd);
        }
    }

    /** A count of one reads "1 image", not "(1 images)": evaluate on a folder of one image, and the phases' first lines. */
    @Test void aCountOfOneIsSingular() throws Exception {
        Path one = tmp.resolve("one");
        Path image;
        try (var w = Files.walk(images)) { image = w.filter(Files::isRegularFile).sorted().findFirst().orElseThrow(); }
        Files.createDirectories(one.resolve("class0"));
        Files.copy(image, one.resolve("class0").resolve(image.getFileName()));
        Object[] r = run("evaluate", "--model", model.toString(), "--dataset", one.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains(" (1 image): ACC "), (String) r[1]);
        r = run("predict", "--model", model.toString(), "--dataset", one.toString(), "--output", tmp.resolve("one-p.csv").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).startsWith("wrote 1 prediction to "), (String) r[1]);
        r = run("embed", "--model", model.toString(), "--dataset", one.toString(), "--output", tmp.resolve("one-z.csv").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).startsWith("wrote 1 embedding of size "), (String) r[1]);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        CliProgress p = new CliProgress(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), 1,
                org.dcec4j.dcec.DcecConfig.defaults().toBuilder().kmeansRestarts(1).build());
        p.phaseStarted(org.dcec4j.dcec.train.Phase.PRETRAIN, 0, 1);
        p.phaseStarted(org.dcec4j.dcec.train.Phase.KMEANS, 0, 1);
        p.phaseStarted(org.dcec4j.dcec.train.Phase.CLUSTER, 0, 1);
        assertEquals("pretraining: 1 epoch\nk-means: 1 restart\nclustering: at most 1 iteration, P every 140\n",
                bytes.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\r", ""));
    }

    /**
     * --output on a file of the named set being read (mnist-test's t10k-images-idx3-ubyte.gz in --data-dir), given
     * directly or through a link to its folder, is refused naming the file, exit 2, the file untouched: the CSV replaced
     * the data. The check runs before the set is read (the file here is no IDX file: it would fail to load).
     */
    @Test void anOutputOnTheNamedSetsOwnFileIsRefused() throws Exception {
        Path dataDir = tmp.resolve("data"), mnist = Files.createDirectories(dataDir.resolve("mnist"));
        Path imagesFile = Files.writeString(mnist.resolve("t10k-images-idx3-ubyte.gz"), "the images");
        Files.writeString(mnist.resolve("t10k-labels-idx1-ubyte.gz"), "the labels");
        Path link = Files.createSymbolicLink(tmp.resolve("mnist-link"), mnist);
        for (Object[] c : new Object[][] {{"predict", imagesFile}, {"embed", link.resolve("t10k-images-idx3-ubyte.gz")},
                {"predict", mnist.resolve("../mnist/t10k-labels-idx1-ubyte.gz")}}) {
            Path output = (Path) c[1];
            Object[] r = run((String) c[0], "--model", model.toString(), "--dataset", "mnist-test", "--data-dir", dataDir.toString(),
                    "--output", output.toString());
            assertEquals(2, r[0], c[0] + " " + output + ": " + r[1] + r[2]);
            String file = mnist.resolve(output.getFileName()).toString();
            assertEquals("dcec: --output " + output + " is " + file + ", a file of the data set mnist-test (the CSV would"
                    + " overwrite its data): choose another name or folder for the CSV", ((String) r[2]).strip(), (String) c[0]);
        }
        assertEquals("the images", Files.readString(imagesFile));
        assertEquals("the labels", Files.readString(mnist.resolve("t10k-labels-idx1-ubyte.gz")));
    }

    /**
     * An image of the --dataset folder reached through a class folder that is a link to a folder outside it is an image
     * of the set too: --output on it, by the link's path or by the target's, is refused, exit 2, the image untouched.
     * The check compared paths below --dataset's real path, and the link's target is not below it.
     */
    @Test void anOutputOnAnImageOfALinkedClassFolderIsRefused() throws Exception {
        Path linked = Files.createDirectories(tmp.resolve("linked")), elsewhere = Files.createDirectories(tmp.resolve("elsewhere/c1"));
        Files.createDirectories(linked.resolve("class0"));
        try (var w = Files.list(images.resolve("class0"))) { for (Path f : w.toList()) Files.copy(f, linked.resolve("class0").resolve(f.getFileName())); }
        try (var w = Files.list(images.resolve("class1"))) { for (Path f : w.toList()) Files.copy(f, elsewhere.resolve(f.getFileName())); }
        Files.createSymbolicLink(linked.resolve("class1"), elsewhere);
        Path image;
        try (var w = Files.list(elsewhere)) { image = w.sorted().findFirst().orElseThrow(); }
        byte[] before = Files.readAllBytes(image);
        for (Object[] c : new Object[][] {{"predict", linked.resolve("class1").resolve(image.getFileName())}, {"embed", image}}) {
            Path output = (Path) c[1];
            Object[] r = run((String) c[0], "--model", model.toString(), "--dataset", linked.toString(), "--output", output.toString());
            assertEquals(2, r[0], c[0] + " " + output + ": " + r[1] + r[2]);
            assertEquals("dcec: --output " + output + " is the image " + linked.resolve("class1").resolve(image.getFileName())
                    + " of the --dataset folder " + linked + " (its folder class1 is a link to " + elsewhere.toRealPath() + "; the CSV would"
                    + " replace that image): choose another name or folder for the CSV", ((String) r[2]).strip(), (String) c[0]);
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)));
        // a CSV beside the images, and an image outside the linked folder, are written
        Object[] r = run("predict", "--model", model.toString(), "--dataset", linked.toString(), "--output", elsewhere.resolve("p.csv").toString());
        assertEquals(0, r[0], (String) r[2]);
        Files.delete(elsewhere.resolve("p.csv"));
    }

    /** A copy of the test model, named {@code name} in the temp folder, with {@code edit} applied to a copy of each tensor's values. */
    private static Path modelWith(String name, BiConsumer<String, float[]> edit) throws Exception {
        TensorFile f = TensorFile.read(model);
        TensorFile.Builder b = TensorFile.builder();
        f.meta().forEach(b::meta);
        for (String n : f.names()) {
            float[] v = f.get(n).data().clone();
            edit.accept(n, v);
            b.tensor(n, f.get(n).shape(), v);
        }
        return Files.write(tmp.resolve(name), b.toBytes());
    }
}
