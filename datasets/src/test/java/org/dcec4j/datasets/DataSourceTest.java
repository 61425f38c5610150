package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourceTest {
    @TempDir
    Path tmp;

    private Path touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, p.toString());
        return p;
    }

    @Test
    void searchOrderIsDataDirThenEnvironmentThenCache() throws IOException {
        Path home = tmp.resolve("home");
        Path cache = home.resolve(".cache/dcec4j");
        Path env = tmp.resolve("env");
        Path opt = tmp.resolve("opt");
        String f = "t10k-labels-idx1-ubyte.gz";
        Files.createDirectories(env);
        Files.createDirectories(opt);
        DataSource s = DataSource.fromEnvironment(opt, Map.of(DataSource.ENV_DATA, env.toString()), home);
        assertEquals(List.of(opt.resolve("mnist"), env.resolve("mnist"), cache.resolve("mnist")), s.searchDirs("mnist"));
        assertEquals(List.of(opt.resolve("fashion-mnist"), env.resolve("fashion-mnist"), cache.resolve("fashion-mnist"),
                DataSource.DEBIAN_FASHION_MNIST), s.searchDirs("fashion-mnist"));
        assertNull(s.locate("mnist", f));
        Path inCache = touch(cache.resolve("mnist").resolve(f));
        assertEquals(inCache, s.locate("mnist", f));
        Path inEnv = touch(env.resolve("mnist").resolve(f));
        assertEquals(inEnv, s.locate("mnist", f));
        Path inOpt = touch(opt.resolve("mnist").resolve(f));
        assertEquals(inOpt, s.locate("mnist", f));
        assertEquals(cache, s.cacheDir());
        assertTrue(s.downloadsAllowed());
        DataSource noOption = DataSource.fromEnvironment(null, Map.of(), home);
        assertEquals(inCache, noOption.locate("mnist", f));
    }

    /**
     * A $DCEC4J_DATA or --data-dir that is no folder (a typo, a folder since moved) is reported when the search for a
     * file reaches it, naming the setting and its value; it was skipped, and the files then came from the cache or a download. The
     * cache itself may not exist yet.
     */
    @Test
    void aNamedDataFolderThatIsNoFolderIsReportedNotSkipped() throws IOException {
        Path home = tmp.resolve("home");
        String f = "t10k-labels-idx1-ubyte.gz";
        Path inCache = touch(home.resolve(".cache/dcec4j/mnist").resolve(f));
        Path missing = tmp.resolve("no-such-folder");
        DataSource env = DataSource.fromEnvironment(null, Map.of(DataSource.ENV_DATA, missing.toString()), home);
        String m = assertThrows(DatasetException.class, () -> env.locate("mnist", f)).getMessage();
        assertEquals("$DCEC4J_DATA is " + missing + ", which does not exist: point it at the folder that holds mnist/, usps/ or"
                + " fashion-mnist/, or unset it", m);
        m = assertThrows(DatasetException.class, () -> env.requireAll("mnist-test", "mnist", Datasets.MNIST_TEST)).getMessage();
        assertTrue(m.startsWith("$DCEC4J_DATA is " + missing + ", which does not exist"), m);
        // a folder the search does not reach, the file being found before it, is not checked
        Path opt = tmp.resolve("opt");
        Path inOpt = touch(opt.resolve("mnist").resolve(f));
        assertEquals(inOpt, DataSource.fromEnvironment(opt, Map.of(DataSource.ENV_DATA, missing.toString()), home).locate("mnist", f));
        Path file = touch(tmp.resolve("a-file"));
        m = assertThrows(DatasetException.class, () -> DataSource.fromEnvironment(file, Map.of(), home).locate("mnist", f)).getMessage();
        assertEquals("the data folder given to DataSource.fromEnvironment (the command line's --data-dir) is " + file + ", which is"
                + " not a folder: point it at the folder that holds mnist/, usps/ or"
                + " fashion-mnist/", m);
        // the same settings at folders (the cache does not have to exist): found where it is
        Files.createDirectories(missing);
        assertEquals(inCache, env.locate("mnist", f));
        assertEquals(inCache, DataSource.fromEnvironment(null, Map.of(DataSource.ENV_DATA, " "), home).locate("mnist", f));
        assertNull(DataSource.fromEnvironment(missing, Map.of(), tmp.resolve("no-home")).locate("mnist", f));
    }

    /**
     * Something that is not a file under a set file's name (a folder, a link that leads nowhere, a pipe) is named, not
     * skipped: the search went on to the cache (or a download) without a word, or said "not found in [dir]" of a
     * folder that lists the name.
     */
    @Test
    void aSetFilesNameOnSomethingElseIsReportedNotSkipped() throws IOException {
        Path home = tmp.resolve("home");
        String f = "t10k-labels-idx1-ubyte.gz";
        Path inCache = touch(home.resolve(".cache/dcec4j/mnist").resolve(f));
        Path opt = tmp.resolve("opt");
        DataSource s = DataSource.fromEnvironment(opt, Map.of(), home);
        Path there = Files.createDirectories(opt.resolve("mnist").resolve(f));
        String m = assertThrows(DatasetException.class, () -> s.locate("mnist", f)).getMessage();
        assertEquals(there + ": expected the data set's file (raw or gzipped), found a folder: put the file there, or remove"
                + " what is in its place", m);
        m = assertThrows(DatasetException.class, () -> s.requireAll("mnist-test", "mnist", Datasets.MNIST_TEST)).getMessage();
        assertTrue(m.startsWith(there + ": expected the data set's file"), m);
        Files.delete(there);
        Files.createSymbolicLink(there, tmp.resolve("gone.gz"));
        m = assertThrows(DatasetException.class, () -> s.locate("mnist", f)).getMessage();
        assertTrue(m.startsWith(there + ": expected the data set's file (raw or gzipped), found a symbolic link that leads nowhere (-> "
                + tmp.resolve("gone.gz") + ")"), m);
        // a link to a file is the file; with nothing under the name the search goes on as before
        Path target = touch(tmp.resolve("gone.gz"));
        assertEquals(there, s.locate("mnist", f));
        Files.delete(target);
        Files.delete(there);
        assertEquals(inCache, s.locate("mnist", f));
    }

    @Test
    void offlineEnvironmentAndCopies() {
        Path home = tmp.resolve("home");
        assertFalse(DataSource.fromEnvironment(null, Map.of(DataSource.ENV_OFFLINE, "1"), home).downloadsAllowed());
        assertFalse(DataSource.fromEnvironment(null, Map.of(DataSource.ENV_OFFLINE, "true"), home).downloadsAllowed());
        DataSource s = DataSource.fromEnvironment(null, Map.of(), home);
        assertEquals(DataSource.DEFAULT_MIRRORS.get("mnist"), s.mirrors("mnist"));
        DataSource t = s.withMirrors("mnist", List.of("http://127.0.0.1:1/")).withDownloads(false);
        assertEquals(List.of("http://127.0.0.1:1/"), t.mirrors("mnist"));
        assertTrue(s.downloadsAllowed());
        assertFalse(t.downloadsAllowed());
    }

    @Test
    void anOfflineErrorSaysWhatTurnedDownloadsOffAndNothingThatDoesNotExist() {
        Path home = tmp.resolve("home");
        String m = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class, () ->
                DataSource.fromEnvironment(null, Map.of(DataSource.ENV_OFFLINE, "1"), home).requireAll("mnist-test", "mnist", Datasets.MNIST_TEST))
                .getMessage();
        assertTrue(m.endsWith("Downloads are off (DCEC4J_OFFLINE=1 is set: unset it to download them)."), m);
        assertFalse(m.contains("--offline"), m);
        m = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class, () ->
                DataSource.fromEnvironment(null, Map.of(), home).withoutDownloads("--offline was given: drop it to download them")
                        .requireAll("mnist-test", "mnist", Datasets.MNIST_TEST)).getMessage();
        assertTrue(m.endsWith("Downloads are off (--offline was given: drop it to download them)."), m);
    }

    /**
     * JDK 17 sets user.home to "?" when the user id has no passwd entry (docker run -u 12345, OpenShift, systemd's
     * DynamicUser): the cache was the relative folder ?/.cache/dcec4j, and downloads went below whatever folder the
     * command ran in. $HOME is used then (as JDK 19 does); with neither, nothing is downloaded, and the message says why.
     */
    @Test
    void aUserWithoutAHomeFolderCachesInHomeOrDownloadsNothing() {
        String home = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(home != null && Path.of(home).isAbsolute(), "no absolute $HOME here");
        String was = System.getProperty("user.home");
        System.setProperty("user.home", "?");
        try {
            assertEquals(Path.of(home, ".cache", "dcec4j"), DataSource.fromEnvironment(null).cacheDir());
        } finally {
            System.setProperty("user.home", was);
        }
        assertEquals(Path.of("/h"), DataSource.homeFolder("?", Map.of("HOME", "/h")));
        assertEquals(tmp, DataSource.homeFolder(tmp.toString(), Map.of("HOME", "/h")));
        Path none = DataSource.homeFolder("?", Map.of("HOME", "relative"));
        assertFalse(none.isAbsolute());
        DataSource s = DataSource.fromEnvironment(null, Map.of(), none);
        assertFalse(s.downloadsAllowed());
        String m = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class,
                () -> s.requireAll("mnist-test", "mnist", Datasets.MNIST_TEST)).getMessage();
        assertTrue(m.startsWith("mnist-test needs t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, not found in []. Put the file(s) in"
                + " <folder>/mnist/ with <folder> as the data folder given to DataSource.fromEnvironment (the command line's --data-dir)"
                + " or DCEC4J_DATA=<folder>."), m);
        assertTrue(m.endsWith("Downloads are off (this process has no home folder to cache them in: user.home is '?' and $HOME"
                + " is not set to an absolute path; put the files in the data folder given to DataSource.fromEnvironment (the command"
                + " line's --data-dir) or in $DCEC4J_DATA)."), m);
    }

    /** Timeouts and deadlines a download cannot use are refused when set, naming the value and the range. */
    @Test void timeoutsAndDeadlinesOutOfRangeAreRefused() {
        DataSource s = DataSource.of(List.of(tmp), tmp);
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofMillis(-1), Duration.ofMillis(Integer.MAX_VALUE + 1L),
                Duration.ofSeconds(Long.MAX_VALUE)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withTimeout(bad));
            assertTrue(e.getMessage().startsWith("download timeout " + bad + ": expected from 1 ms to 2147483647 ms"), e.getMessage());
        }
        s.withTimeout(Duration.ofMillis(1));
        s.withTimeout(Duration.ofMillis(Integer.MAX_VALUE));
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withDeadline(bad));
            assertTrue(e.getMessage().startsWith("download deadline " + bad + ": expected a positive duration"), e.getMessage());
        }
        s.withDeadline(null);
        s.withDeadline(Duration.ofSeconds(Long.MAX_VALUE));
    }

    /**
     * A file of the set kept under the other compression's name (a gunzipped MNIST file, Keysers' usps_*.jf.gz, the ESL
     * zip.train gunzipped) is named in the message with the name to give it; it was reported as not found, without a word.
     */
    @Test void aFileUnderTheOtherCompressionsNameIsNamedWithTheNameToGiveIt() throws IOException {
        Path data = tmp.resolve("data");
        Path raw = Files.createDirectories(data.resolve("mnist")).resolve("t10k-images-idx3-ubyte");
        Files.write(raw, new byte[0]);
        Files.write(data.resolve("mnist/t10k-labels-idx1-ubyte.gz"), new byte[0]);
        DataSource s = DataSource.of(List.of(data), tmp.resolve("cache"));
        String m = assertThrows(DatasetException.class, () -> Datasets.load("mnist-test", s)).getMessage();
        assertTrue(m.startsWith("mnist-test needs t10k-images-idx3-ubyte.gz, not found in "), m);
        assertTrue(m.contains(" Found " + raw + ": rename it to t10k-images-idx3-ubyte.gz (its content may be raw or gzipped)."), m);

        Path usps = Files.createDirectories(data.resolve("usps"));
        Files.write(usps.resolve("usps_train.jf.gz"), new byte[0]);
        Files.write(usps.resolve("zip.test"), new byte[0]);
        m = assertThrows(DatasetException.class, () -> Datasets.load("usps", s)).getMessage();
        assertTrue(m.contains(" Found " + usps.resolve("usps_train.jf.gz") + ": rename it to usps_train.jf "), m);
        assertTrue(m.contains(" Found " + usps.resolve("zip.test") + ": rename it to zip.test.gz "), m);
        assertFalse(m.contains("usps_test.jf.gz"), m);
    }
}
