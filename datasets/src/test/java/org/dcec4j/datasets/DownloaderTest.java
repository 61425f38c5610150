package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads against a local server on 127.0.0.1: a good file, a corrupted one, a truncated one, a
 * server error, a server that never answers (timeout), a gzipped answer. Nothing bad is left behind.
 */
class DownloaderTest {
    /**
     * Connect and read timeout of every download here. The "hang" mirror costs one timeout per use, but a good answer
     * must never hit it: 700 ms did once, for the first (gzipped) request of a JVM on a host whose two cores were busy
     * with other work, so it is generous.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Bytes the "trickle" mirror announces and sends, one every 100 ms: 100 s in all. */
    static final int TRICKLED = 1000;

    @TempDir
    Path tmp;
    HttpServer server;
    ExecutorService pool;
    final CountDownLatch release = new CountDownLatch(1);
    final byte[] content = "10 4\n3 0 0.052 1.29 2\n-1\n".getBytes(StandardCharsets.US_ASCII);
    KnownFile known;
    String base;

    @BeforeEach
    void start() throws IOException {
        known = new KnownFile("usps", "tiny.jf", Checksums.sha256(content), Checksums.sha256(content), content.length, true);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/good/", content, content.length);
        byte[] corrupt = content.clone();
        corrupt[7] = '9';
        serve("/corrupt/", corrupt, corrupt.length);
        serve("/truncated/", java.util.Arrays.copyOf(content, 10), content.length);
        serve("/gz/", Fixtures.gzip(content), -2);
        server.createContext("/error/", x -> {
            x.sendResponseHeaders(500, -1);
            x.close();
        });
        server.createContext("/moved/", x -> {
            x.getResponseHeaders().add("Location", "/good/" + x.getRequestURI().getPath().substring(7));
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        redirect("/invalid/", "http://exa mple/x");
        redirect("/ftp/", "ftp://127.0.0.1/tiny.jf");
        redirect("/file/", "file:///etc/hostname");
        server.createContext("/hang/", x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        server.createContext("/trickle/", x -> {
            // the whole answer announced, then one byte every 100 ms: each read waits far less than the read timeout
            try {
                x.sendResponseHeaders(200, TRICKLED);
                try (OutputStream o = x.getResponseBody()) {
                    for (int i = 0; i < TRICKLED && release.getCount() > 0; i++) {
                        o.write('x');
                        o.flush();
                        release.await(100, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // the client gave up
            } finally {
                x.close();
            }
        });
        pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Serves body; announces length bytes (more than the body: a truncated answer, which the client
     * sees as an early end or, as the JDK server keeps the connection open, as a read timeout), or
     * chunked when -2.
     */
    private void serve(String path, byte[] body, long length) {
        server.createContext(path, x -> {
            try {
                x.sendResponseHeaders(200, length == -2 ? 0 : length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            } catch (IOException ignored) {
                // the truncated answer ends the exchange early
            } finally {
                x.close();
            }
        });
    }

    /** Answers every request under path with a 302 to location. */
    private void redirect(String path, String location) {
        server.createContext(path, x -> {
            x.getResponseHeaders().add("Location", location);
            x.sendResponseHeaders(302, -1);
            x.close();
        });
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        pool.shutdownNow();
    }

    private List<String> leftovers(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> out.add(p.getFileName().toString()));
            }
        }
        return out;
    }

    private Path fetch(PrintStream progress, String... mirrors) {
        return Downloader.fetch(known, List.of(mirrors), tmp.resolve("cache/usps"), TIMEOUT, progress);
    }

    @Test
    void goodFileAfterEveryKindOfFailure() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path p = fetch(new PrintStream(log, true, StandardCharsets.UTF_8),
                base + "/error/", base + "/corrupt/", base + "/truncated/", base + "/hang/", base + "/good/");
        assertEquals(tmp.resolve("cache/usps/tiny.jf"), p);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertEquals(List.of("tiny.jf"), leftovers(tmp.resolve("cache/usps")));
        // permissions of a file created normally in the same folder (the umask), not owner-only
        assertEquals(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe"))), Files.getPosixFilePermissions(p));
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("downloading usps/tiny.jf from " + base + "/good/tiny.jf: 100% of"), progress);
    }

    @Test
    void eachFailureAloneIsAnErrorAndLeavesNothing() throws IOException {
        String[][] cases = {{"/error/", "HTTP 500"}, {"/corrupt/", "checksum mismatch"}, {"/truncated/", "truncated|Premature EOF|Read timed out"},
            {"/hang/", "Read timed out"}};
        for (String[] c : cases) {
            String m = assertThrows(DatasetException.class, () -> fetch(null, base + c[0])).getMessage();
            assertTrue(m.startsWith("usps/tiny.jf: download failed from every mirror: " + base + c[0] + "tiny.jf: "), m);
            assertTrue(java.util.regex.Pattern.compile(c[1]).matcher(m).find(), c[0] + ": " + m);
            assertEquals(List.of(), leftovers(tmp.resolve("cache/usps")), c[0]);
        }
    }

    /**
     * An answer that trickles in (a byte every 100 ms: no read waits anywhere near the read timeout) fails at the
     * deadline, naming the URL, the bytes received of those announced and the time taken, and leaves no file; the next
     * mirror is then tried. Before the deadline the download went on for the whole 100 s (still running after 20 s).
     */
    @Test
    void aTricklingAnswerFailsAtTheDeadlineAndLeavesNothing() throws IOException {
        Duration deadline = Duration.ofMillis(1500);
        long t0 = System.nanoTime();
        // preemptively: without a working deadline the fetch would run for the trickle's 100 s
        String m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(DatasetException.class,
                () -> Downloader.fetch(known, List.of(base + "/trickle/"), tmp.resolve("cache/usps"), TIMEOUT, deadline, null)).getMessage());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 1.5 + TIMEOUT.toSeconds(), seconds + " s: " + m);
        java.util.regex.Matcher r = java.util.regex.Pattern.compile("^usps/tiny\\.jf: download failed from every mirror: "
                + java.util.regex.Pattern.quote(base + "/trickle/tiny.jf")
                + ": IOException: no complete answer within the deadline of 1\\.5 s: (\\d+) of 1000 bytes received in (\\d+\\.\\d) s\\.$").matcher(m);
        assertTrue(r.find(), m);
        assertTrue(Integer.parseInt(r.group(1)) > 0 && Integer.parseInt(r.group(1)) < TRICKLED, m);
        assertTrue(Double.parseDouble(r.group(2)) >= 1.5, m);
        assertEquals(List.of(), leftovers(tmp.resolve("cache/usps")));
        Path p = Downloader.fetch(known, List.of(base + "/trickle/", base + "/good/"), tmp.resolve("cache/usps"), TIMEOUT, deadline, null);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertEquals(List.of("tiny.jf"), leftovers(tmp.resolve("cache/usps")));
    }

    /**
     * A server that trickles its headers (the response code's read waits for them) is disconnected at the deadline:
     * nothing was received, and the size is not known.
     */
    @Test
    void tricklingHeadersAreCutOffAtTheDeadline() throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pool.submit(() -> {
                try (java.net.Socket s = ss.accept(); OutputStream o = s.getOutputStream()) {
                    o.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    while (!release.await(100, TimeUnit.MILLISECONDS)) {
                        o.write('x');
                        o.flush();
                    }
                }
                return null;
            });
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            long t0 = System.nanoTime();
            // preemptively: without the watchdog the response code's read would wait as long as the headers trickle
            String m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(DatasetException.class,
                    () -> Downloader.fetch(known, List.of(url), tmp.resolve("cache/usps"), TIMEOUT, Duration.ofMillis(1500), null)).getMessage());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 1.5 + TIMEOUT.toSeconds(), seconds + " s: " + m);
            assertTrue(m.contains(url + "tiny.jf: IOException: no complete answer within the deadline of 1.5 s: "
                    + "0 of an unannounced number of bytes received in "), m);
            assertEquals(List.of(), leftovers(tmp.resolve("cache/usps")));
        }
    }

    /**
     * A deadline or a timeout too long for a count of nanoseconds (about 292 years: what a caller passes for "no
     * deadline") is no deadline, not an ArithmeticException out of the download (which it was: "long overflow").
     */
    @Test
    void aDeadlineBeyondNanosecondsIsNoDeadline() throws IOException {
        Path dir = tmp.resolve("cache/usps");
        for (Duration deadline : List.of(Duration.ofDays(365L * 1000), Duration.ofSeconds(Long.MAX_VALUE))) {
            assertArrayEquals(content, Files.readAllBytes(Downloader.fetch(known, List.of(base + "/good/"), dir, TIMEOUT, deadline, null)));
            Files.delete(dir.resolve("tiny.jf"));
        }
        // the default deadline of a very long timeout (four timeouts, plus the file's time)
        assertArrayEquals(content, Files.readAllBytes(Downloader.fetch(known, List.of(base + "/good/"), dir, Duration.ofDays(365L * 100), null)));
        assertEquals(List.of("tiny.jf"), leftovers(dir));
    }

    /**
     * The watchdog's thread ends once no download is under way: a library's thread that lived for ever kept an
     * application server's web application (its class loader, through the thread) after it was undeployed.
     */
    @Test
    void theWatchdogThreadEndsWhenNoDownloadIsUnderWay() throws Exception {
        fetch(null, base + "/good/");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (watchdogThreads() > 0 && System.nanoTime() < end) Thread.sleep(100);
        assertEquals(0, watchdogThreads(), "threads named dcec4j-download-deadline still alive 20 s after the download");
        // and a later download starts it again: its deadline still works
        String m = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(DatasetException.class,
                () -> Downloader.fetch(known, List.of(base + "/trickle/"), tmp.resolve("cache/usps"), TIMEOUT, Duration.ofMillis(1000), null)).getMessage());
        assertTrue(m.contains("no complete answer within the deadline of 1.0 s"), m);
    }

    private static long watchdogThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("dcec4j-download-deadline")).count();
    }

    /** The default deadline grows with the file's size: a minute's slack on a slow line, not a fixed cut-off. */
    @Test
    void theDefaultDeadlineIsScaledToTheFileSize() {
        Duration t = DataSource.DEFAULT_TIMEOUT;
        assertEquals(Duration.ofMillis(120_200), Downloader.deadline(KnownFile.find("mnist", "t10k-labels-idx1-ubyte.gz"), t));
        assertEquals(Duration.ofMillis(1_060_800), Downloader.deadline(KnownFile.find("mnist", "train-images-idx3-ubyte.gz"), t));
        // four timeouts when that is more than two minutes
        assertEquals(Duration.ofMillis(240_200), Downloader.deadline(KnownFile.find("mnist", "t10k-labels-idx1-ubyte.gz"), Duration.ofMinutes(1)));
    }

    /** DataSource.withDeadline reaches the download (the named sets' path). */
    @Test
    void theDataSourceDeadlineReachesTheDownload() throws IOException {
        DataSource s = DataSource.of(List.of(), tmp.resolve("cache")).withDownloads(true)
                .withMirrors("usps", List.of(base + "/trickle/")).withProgress(null).withTimeout(TIMEOUT)
                .withDeadline(Duration.ofMillis(1500));
        String m = assertThrows(DatasetException.class, () -> Datasets.load("usps", s)).getMessage();
        assertTrue(m.contains(base + "/trickle/usps_train.jf: IOException: no complete answer within the deadline of 1.5 s: "), m);
        assertEquals(List.of(), leftovers(tmp.resolve("cache/usps")));
    }

    @Test
    void staleTemporaryFilesOfAKilledDownloadAreRemoved() throws IOException {
        Path dir = tmp.resolve("cache/usps");
        Files.createDirectories(dir);
        Path stale = Files.writeString(dir.resolve(".tiny.jf.8830284573622.part"), "half");
        Path fresh = Files.writeString(dir.resolve(".tiny.jf.1234.part"), "another download at work");
        Path other = Files.writeString(dir.resolve(".other.jf.99.part"), "not ours");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(2))));
        fetch(null, base + "/good/");
        assertEquals(List.of(".other.jf.99.part", ".tiny.jf.1234.part", "tiny.jf"), leftovers(dir).stream().sorted().toList());
        assertTrue(Files.exists(fresh) && Files.exists(other));
    }

    @Test
    void gzippedAnswerIsDecompressedAndRedirectsAreFollowed() throws IOException {
        assertArrayEquals(content, Files.readAllBytes(fetch(null, base + "/gz/{file}")));
        Files.delete(tmp.resolve("cache/usps/tiny.jf"));
        assertArrayEquals(content, Files.readAllBytes(fetch(null, base + "/moved/")));
        assertEquals(List.of("tiny.jf"), leftovers(tmp.resolve("cache/usps")));
    }

    /** A redirect to an invalid or a non-HTTP URL fails that mirror and the next is tried (it crashed the download). */
    @Test
    void aRedirectToAnInvalidOrNonHttpUrlFailsThatMirrorOnly() throws IOException {
        Path p = fetch(null, base + "/invalid/", base + "/ftp/", base + "/file/", base + "/good/");
        assertArrayEquals(content, Files.readAllBytes(p));
        Files.delete(p);
        String m = assertThrows(DatasetException.class, () -> fetch(null, base + "/invalid/", base + "/ftp/", base + "/file/")).getMessage();
        // the JDK's own words for the bad URL (JDK 17 names index 7, JDK 25 index 10): the message quotes them as they are
        String jdk = assertThrows(java.net.URISyntaxException.class, () -> new java.net.URI("http://exa mple/x")).getMessage();
        assertEquals("usps/tiny.jf: download failed from every mirror: "
                + base + "/invalid/tiny.jf: IOException: redirected to an invalid URL: " + jdk + "; "
                + base + "/ftp/tiny.jf: IOException: redirected to ftp://127.0.0.1/tiny.jf: expected an http or https URL; "
                + base + "/file/tiny.jf: IOException: redirected to file:///etc/hostname: expected an http or https URL.", m);
        assertEquals(List.of(), leftovers(tmp.resolve("cache/usps")));
    }

    /** How many of this process's open file descriptors (Linux's /proc/self/fd) are f. */
    private static long openDescriptors(Path f) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(f);
                } catch (IOException e) {
                    return false;   // the descriptor of the listing itself, closed by now
                }
            }).count();
        }
    }

    /** A gzip file whose header is bad leaves no descriptor open (each call leaked one). */
    @Test
    void aBadGzipHeaderLeavesNoFileOpen() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
        Path bad = Files.write(tmp.resolve("bad.gz"), new byte[] {0x1f, (byte) 0x8b, 7, 0, 0, 0});
        for (int i = 0; i < 10; i++) {
            String m = assertThrows(IOException.class, () -> Checksums.sha256Gunzipped(bad)).getMessage();
            assertEquals(bad + ": at byte 2: expected gzip compression method 8 (deflate), found 7", m);
            assertThrows(DatasetException.class, () -> Downloader.gunzip(bad, tmp.resolve("out"), 1 << 20));
        }
        assertEquals(0, openDescriptors(bad.toRealPath()));
        // the count can see an open descriptor (the links in /proc name the real path)
        try (var open = Files.newInputStream(bad)) {
            assertEquals(1, openDescriptors(bad.toRealPath()));
        }
    }

    @Test
    void offlineErrorNamesFilesAndFolders() {
        DataSource s = DataSource.of(List.of(tmp.resolve("data")), tmp.resolve("cache"));
        String m = assertThrows(DatasetException.class, () -> Datasets.load("mnist-test", s)).getMessage();
        assertTrue(m.contains("mnist-test needs t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains(tmp.resolve("data").resolve("mnist").toString()), m);
        assertTrue(m.contains("Put the file(s) in " + tmp.resolve("cache").resolve("mnist")), m);
        assertTrue(m.contains("Downloads are off"), m);
    }

    @Test
    void namedSetThroughDataSourceWithLocalMirror() throws IOException {
        // a tiny "mnist-test" whose checksums are not the real ones: the download must be refused
        byte[][] f = Fixtures.mnistLike(3, 2, 2);
        server.createContext("/mnist/", x -> {
            byte[] body = x.getRequestURI().getPath().contains("images") ? Fixtures.gzip(f[0]) : Fixtures.gzip(f[1]);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        DataSource s = DataSource.of(List.of(), tmp.resolve("cache")).withDownloads(true)
                .withMirrors("mnist", List.of(base + "/mnist/")).withProgress(null).withTimeout(TIMEOUT);
        String m = assertThrows(DatasetException.class, () -> Datasets.load("mnist-test", s)).getMessage();
        // the gzip answer's decompressed bytes were hashed: the hash expected of them is the content's, not the .gz file's
        KnownFile k = KnownFile.find("mnist", "t10k-images-idx3-ubyte.gz");
        assertTrue(m.contains("checksum mismatch (sha256 of the decompressed bytes): expected " + k.rawSha256() + ", found "), m);
        assertEquals(List.of(), leftovers(tmp.resolve("cache/mnist")));
    }
}
