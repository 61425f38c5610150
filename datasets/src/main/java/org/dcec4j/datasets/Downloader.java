package org.dcec4j.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Downloads one known file: mirrors in turn, into a temporary file beside the target, checked against
 * the built-in SHA-256, then renamed atomically. Whatever fails, no partial or wrong file is left.
 *
 * <p>Each mirror has a deadline for its whole answer besides the connect and read timeouts: those apply to one
 * blocking read, so a server that sends a byte every few seconds never trips them and kept {@code dcec} waiting
 * for ever (a 1,000-byte answer at a byte per 100 ms still ran after 20 s; it would have taken 100 s, the 47 MB
 * MNIST training images 54 days).
 */
final class Downloader {
    /** Redirects followed per mirror. */
    static final int MAX_REDIRECTS = 5;
    /**
     * The slowest transfer the default deadline allows for, in bytes per second (400 kbit/s), counted on the
     * decompressed size the table knows: the gzip files are 2 to 5 times smaller, so a mirror may be slower still.
     */
    static final long MIN_BYTES_PER_SECOND = 50_000;
    /** The size the default deadline assumes for a file whose size the table does not know. */
    static final long UNKNOWN_SIZE = 64L << 20;

    /**
     * Disconnects a connection still waiting for its answer's headers when its deadline passes (a daemon thread,
     * started by a download and ended {@link #WATCHDOG_IDLE_SECONDS} after the last one: a thread living for ever
     * would keep the class loader of an application server's web application after it is undeployed): a server that
     * trickles its headers would hold the response code's read for ever.
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = Executors.defaultThreadFactory().newThread(r);
        t.setName("dcec4j-download-deadline");
        t.setDaemon(true);
        return t;
    });

    /** How long the watchdog's thread waits for another download before it ends. */
    static final int WATCHDOG_IDLE_SECONDS = 5;

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);     // a finished download's alarm leaves the queue, so the thread may end
        WATCHDOG.setKeepAliveTime(WATCHDOG_IDLE_SECONDS, TimeUnit.SECONDS);
        WATCHDOG.allowCoreThreadTimeOut(true);
    }

    private Downloader() {
    }

    /**
     * @param k         the file and its checksums
     * @param mirrors   base URLs (the name is appended) or templates with {file}, tried in order
     * @param targetDir the file lands in targetDir/k.name()
     * @param timeout   connect and read (per blocking read) timeout
     * @param progress  progress line destination, or null
     * @return the verified file
     */
    static Path fetch(KnownFile k, List<String> mirrors, Path targetDir, Duration timeout, PrintStream progress) {
        return fetch(k, mirrors, targetDir, timeout, deadline(k, timeout), progress);
    }

    /**
     * The same with an explicit deadline per mirror.
     *
     * @param deadline  the longest one mirror may take, from the connection to the last byte (redirects included);
     *                  a read under way when it passes is waited for, so a mirror fails at most one read timeout later
     */
    static Path fetch(KnownFile k, List<String> mirrors, Path targetDir, Duration timeout, Duration deadline, PrintStream progress) {
        Path target = targetDir.resolve(k.name());
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw new DatasetException("cannot create the download folder: " + IoErrors.describe(e), e);
        }
        try {
            // what a killed download left: its name's .part files not written to for a while
            OutputFiles.removeStaleTemps(targetDir, List.of(k.name()), staleAfter(timeout));
        } catch (IOException e) {
            throw new DatasetException("cannot clean up the download folder: " + IoErrors.describe(e), e);
        }
        List<String> failures = new ArrayList<>();
        long maxBytes = k.rawBytes() > 0 ? k.rawBytes() + k.rawBytes() / 8 + (1 << 20) : 1L << 30;
        for (String mirror : mirrors) {
            String url = mirror.contains("{file}") ? mirror.replace("{file}", k.name())
                    : mirror + (mirror.endsWith("/") ? "" : "/") + k.name();
            Path part = null;
            Path unzipped = null;
            try {
                part = OutputFiles.newTempFile(targetDir, k.name(), ".part");
                download(url, part, timeout, deadline, maxBytes, progress, k.path());
                Path candidate = part;
                if (!k.name().endsWith(".gz") && Checksums.isGzip(part)) {
                    unzipped = OutputFiles.newTempFile(targetDir, k.name(), ".part");
                    gunzip(part, unzipped, maxBytes);
                    candidate = unzipped;
                }
                Checksums.Verdict v = Checksums.verify(candidate, k);
                if (!v.ok()) {
                    failures.add(url + ": checksum mismatch (" + v.how() + "): expected " + v.expected(k) + ", found " + v.found());
                    continue;
                }
                try {
                    Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(candidate, target, StandardCopyOption.REPLACE_EXISTING);
                }
                OutputFiles.syncFolder(targetDir);
                return target;
            } catch (IOException | DatasetException e) {
                failures.add(url + ": " + e.getClass().getSimpleName() + ": " + (e instanceof IOException io ? IoErrors.describe(io) : e.getMessage()));
                if (progress != null) {
                    progress.println();
                }
            } finally {
                deleteQuietly(part);
                deleteQuietly(unzipped);
            }
        }
        throw new DatasetException(k.path() + ": download failed from every mirror: " + String.join("; ", failures)
                + (mirrors.isEmpty() ? "(no mirrors)" : "") + ".");
    }

    /**
     * The default deadline of one mirror's answer: what a transfer at {@link #MIN_BYTES_PER_SECOND} of the file's
     * decompressed size takes (64 MB when unknown), plus four read timeouts and at least two minutes for the
     * connection and a slow start. 120.2 s for the MNIST test labels, 17 min 41 s for the MNIST training images with
     * the default 30 s timeout: far more than any working mirror needs, and an end to one that does not work.
     */
    static Duration deadline(KnownFile k, Duration timeout) {
        long bytes = k.rawBytes() > 0 ? k.rawBytes() : UNKNOWN_SIZE;
        Duration slack = timeout.multipliedBy(4);
        if (slack.compareTo(Duration.ofMinutes(2)) < 0) {
            slack = Duration.ofMinutes(2);
        }
        return slack.plusMillis(bytes * 1000 / MIN_BYTES_PER_SECOND);
    }

    /**
     * A partial download not written to for this long belongs to a dead process: a live one writes at least
     * every read timeout or fails.
     */
    static Duration staleAfter(Duration timeout) {
        Duration tenMinutes = Duration.ofMinutes(10);
        Duration fourTimeouts = timeout.multipliedBy(4);
        return fourTimeouts.compareTo(tenMinutes) > 0 ? fourTimeouts : tenMinutes;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // nothing more can be done; the name starts with '.' and ends with .part
            }
        }
    }

    /**
     * Streams url into file (overwritten), at most maxBytes; HTTP errors, stalls and a passed deadline are IOExceptions.
     * The deadline is checked after every read, and a watchdog disconnects a connection still waiting for its headers.
     */
    static void download(String url, Path file, Duration timeout, Duration deadline, long maxBytes, PrintStream progress,
                         String what) throws IOException {
        try (Deadline d = new Deadline(deadline)) {
            download(url, file, timeout, d, maxBytes, progress, what);
        }
    }

    private static void download(String url, Path file, Duration timeout, Deadline deadline, long maxBytes,
                                 PrintStream progress, String what) throws IOException {
        HttpURLConnection c = open(url, timeout, deadline);
        try {
            long length = c.getContentLengthLong();
            if (length > maxBytes) {
                throw new IOException("the server announces " + length + " bytes, expected at most " + maxBytes);
            }
            try (InputStream in = new BufferedInputStream(c.getInputStream(), 1 << 16);
                 OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                long done = 0;
                long lastShown = -1;
                for (int r; (r = in.read(buffer)) >= 0; ) {
                    done += r;
                    if (done > maxBytes) {
                        throw new IOException("more than " + maxBytes + " bytes");
                    }
                    out.write(buffer, 0, r);
                    if (deadline.passed()) {
                        throw deadline.failure(done, length);
                    }
                    if (progress != null) {
                        long step = length > 0 ? done * 100 / length : done >> 20;
                        if (step != lastShown) {
                            lastShown = step;
                            progress.print("\rdownloading " + what + " from " + url + ": "
                                    + (length > 0 ? step + "% of " + megabytes(length) : megabytes(done)));
                            progress.flush();
                        }
                    }
                }
                if (length >= 0 && done != length) {
                    throw new IOException("truncated: " + done + " of " + length + " bytes");
                }
                if (progress != null) {
                    progress.println();
                }
            }
        } finally {
            c.disconnect();
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * A connection with a 200 answer, after at most MAX_REDIRECTS redirects. A URL that is not HTTP(S), or is not a
     * URL at all (a mirror's, or a redirect's Location), is an IOException: that mirror's failure.
     */
    private static HttpURLConnection open(String url, Duration timeout, Deadline deadline) throws IOException {
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            URL u;
            try {
                URI uri = URI.create(current);
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                    throw new IOException((hop == 0 ? "" : "redirected to ") + current + ": expected an http or https URL");
                }
                u = uri.toURL();
            } catch (IllegalArgumentException e) {
                throw new IOException((hop == 0 ? "" : "redirected to ") + "an invalid URL: " + e.getMessage(), e);
            }
            HttpURLConnection c = (HttpURLConnection) u.openConnection();
            int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "dcec4j-datasets");
            int code;
            deadline.watch(c);
            try {
                code = c.getResponseCode();
            } catch (IOException | RuntimeException e) {
                // the watchdog's disconnect, seen as whatever the connection makes of it (a closed socket)
                if (deadline.passed()) {
                    c.disconnect();
                    throw deadline.failure(0, -1);
                }
                throw e;
            } finally {
                deadline.unwatch();
            }
            if (deadline.passed()) {
                c.disconnect();
                throw deadline.failure(0, -1);
            }
            if (code == HttpURLConnection.HTTP_OK) {
                return c;
            }
            String location = c.getHeaderField("Location");
            c.disconnect();
            if (code >= 300 && code < 400 && location != null) {
                try {
                    current = URI.create(current).resolve(location).toString();
                } catch (IllegalArgumentException e) {
                    throw new IOException("redirected to an invalid URL: " + e.getMessage(), e);
                }
                continue;
            }
            throw new IOException("HTTP " + code);
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects");
    }

    /**
     * One mirror's deadline: started when the mirror is tried, checked by the download after every read; the
     * connection waiting for its headers is disconnected by the {@link #WATCHDOG} when it passes.
     */
    private static final class Deadline implements AutoCloseable {
        private final Duration limit;
        /** The limit in nanoseconds; Long.MAX_VALUE (about 292 years, never reached) for a longer one: no deadline. */
        private final long limitNanos;
        private final long start = System.nanoTime();
        private final ScheduledFuture<?> alarm;
        /** The connection waiting for its headers, or null. Guarded by this. */
        private HttpURLConnection waiting;

        Deadline(Duration limit) {
            this.limit = limit;
            long nanos;
            try {
                nanos = limit.toNanos();
            } catch (ArithmeticException tooLong) {
                nanos = Long.MAX_VALUE;
            }
            limitNanos = nanos;
            alarm = WATCHDOG.schedule(this::expire, Math.max(1, limitNanos), TimeUnit.NANOSECONDS);
        }

        boolean passed() {
            return System.nanoTime() - start >= limitNanos;
        }

        synchronized void watch(HttpURLConnection c) {
            waiting = c;
        }

        synchronized void unwatch() {
            waiting = null;
        }

        private void expire() {
            HttpURLConnection c;
            synchronized (this) {
                c = waiting;
                waiting = null;
            }
            if (c != null) {
                c.disconnect();
            }
        }

        /** "no complete answer within the deadline of 240.0 s: 2841 of 5998384 bytes received in 240.1 s". */
        IOException failure(long received, long expected) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new IOException(String.format(Locale.ROOT, "no complete answer within the deadline of %s: %d of %s bytes received in %.1f s",
                    seconds(limit), received, expected >= 0 ? Long.toString(expected) : "an unannounced number of", elapsed));
        }

        private static String seconds(Duration d) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
        }

        @Override
        public void close() {
            alarm.cancel(false);
        }
    }

    /** Decompresses in into out (overwritten), at most maxBytes. */
    static void gunzip(Path in, Path out, long maxBytes) throws IOException {
        // the file a resource of its own: closed when the gzip header is refused too
        try (InputStream raw = Files.newInputStream(in);
             InputStream z = new GzipStream(raw, in.toString());
             OutputStream o = Files.newOutputStream(out)) {
            byte[] buffer = new byte[1 << 16];
            long done = 0;
            for (int r; (r = z.read(buffer)) >= 0; ) {
                done += r;
                if (done > maxBytes) {
                    throw new IOException("decompresses to more than " + maxBytes + " bytes");
                }
                o.write(buffer, 0, r);
            }
        }
    }
}
