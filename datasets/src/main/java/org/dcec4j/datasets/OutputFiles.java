package org.dcec4j.datasets;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Writing output files so that a reader sees either the old file or the complete new one, never a mix,
 * and so that a killed process leaves nothing behind that the next run does not clean up.
 *
 * <ul>
 *   <li>Temporary files are hidden and named after their target: {@code .<name>.<digits>.tmp} beside it (the
 *       downloader's are {@code .<name>.<digits>.part}). They are created like any other new file, so their
 *       permissions (and those of the file they become) follow the umask; {@code Files.createTempFile} would
 *       make every output owner-only (0600).</li>
 *   <li>{@link #writeAtomically}: temporary file, fsync, read back and compare (length and CRC-32), atomic
 *       rename over the target, fsync of the folder ({@link #syncFolder}); the temporary file is deleted on any
 *       failure.</li>
 *   <li>{@link #removeStaleTemps} deletes what a killed writer left, by that naming pattern.</li>
 *   <li>The bytes go through {@code java.io} file streams, not NIO channels: a channel is closed by an interrupt of the
 *       thread using it (and refuses any use while the thread's flag is set), so a library caller that interrupts a
 *       fit to cancel it would get a {@code ClosedByInterruptException} from the checkpoint being written instead of
 *       the cancellation at the next batch boundary.</li>
 * </ul>
 * Used by the downloader, the contact sheet and the dcec module's run folders and outputs.
 */
public final class OutputFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OutputFiles() {
    }

    /** Writes something to a stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A new empty hidden file {@code dir/.<name>.<digits><suffix>}, created without explicit permissions (so
     * they follow the umask, like the target would).
     */
    public static Path newTempFile(Path dir, String name, String suffix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong()) + suffix);
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Writes bytes to file atomically (see the class comment). bytes: read only. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        writeAtomically(file, out -> out.write(bytes));
    }

    /**
     * Writes what {@code body} produces to file atomically: a temporary file beside it, fsync, read back and
     * compared (length and CRC-32 of what was written), then renamed over the target. Missing parent folders are
     * created; a path below a file is refused, naming the file. A symbolic link at the path to a regular file (or to
     * nothing) is replaced by the file, its target left as it was; a folder, a device, a pipe or a socket at the path, or a
     * link to one, is refused before anything is written (the rename would replace it). A file-system failure on the
     * temporary file (permission denied), and a failed write or sync (no space left on device), are reported on
     * {@code file}, the path the caller knows.
     */
    public static void writeAtomically(Path file, Body body) throws IOException {
        try {
            writeThroughTemp(file, body);
        } catch (FileSystemException e) {
            // a failure on the hidden temporary file is reported on the file the caller asked for
            Path failed = e.getFile() == null ? null : Path.of(e.getFile());
            if (failed == null || failed.getFileName() == null
                    || !tempPattern(file.toAbsolutePath().getFileName().toString()).matcher(failed.getFileName().toString()).matches()) {
                throw e;
            }
            FileSystemException onTarget = new FileSystemException(file.toString(), null, IoErrors.reason(e));
            onTarget.initCause(e);
            throw onTarget;
        } catch (IOException e) {
            // a write or sync that failed (no space left on device) throws a plain IOException that names no file
            throw IoErrors.onFile(file, e);
        }
    }

    private static void writeThroughTemp(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new FileSystemException(file.toString(), null, "Is a directory");
        }
        // the rename replaces whatever is at the path. A symbolic link to a file (or to nothing) is replaced, its target
        // left as it was (the run folders rely on it: a link planted at an output's name neither receives the output nor
        // is written through); a device or a pipe, or a link to one (/dev/null, /dev/stdout, a FIFO), would become a
        // regular file, and as root /dev/null would be one for every process of the machine
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            throw new FileSystemException(file.toString(), null, "is a device, pipe or socket, not a regular file; the file"
                    + " is written by renaming a new file over the path, which would replace it: give the path of a regular file");
        }
        // /dev/stdout is a link to /proc/self/fd/1, which is a link to a regular file when the standard output is
        // redirected to one (`--output /dev/stdout > preds.csv`): the check above lets it through, and the rename would
        // replace /dev/stdout itself
        if (linksToAProcessFileDescriptor(abs)) {
            throw new FileSystemException(file.toString(), null, "is a file descriptor of a process (such as /dev/stdout), not a"
                    + " regular file; the file is written by renaming a new file over the path, which would replace it: give the"
                    + " path of a regular file");
        }
        // a path below a file cannot get its folders: createDirectories threw a bare FileAlreadyExistsException naming only
        // the file in the way (or "Not a directory" on a folder below it), which did not say why a save of another name failed
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new FileSystemException(file.toString(), null, "is below " + p + ", a file, not a folder: give a path"
                            + " whose folders are folders (missing ones are created)");
                }
                break;
            }
        }
        Files.createDirectories(dir);
        Path tmp = newTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            CRC32 written = new CRC32();
            long length;
            try (FileOutputStream stream = new FileOutputStream(tmp.toFile())) {   // java.io: not closed by an interrupt
                CountingOutputStream out = new CountingOutputStream(new BufferedOutputStream(stream, 1 << 16), written);
                body.writeTo(out);
                out.flush();
                length = out.count;
                stream.getFD().sync();
            }
            CRC32 back = new CRC32();
            long backLength = 0;
            try (InputStream in = new FileInputStream(tmp.toFile())) {
                byte[] buffer = new byte[1 << 16];
                for (int r; (r = in.read(buffer)) >= 0; ) {
                    back.update(buffer, 0, r);
                    backLength += r;
                }
            }
            if (backLength != length || back.getValue() != written.getValue()) {
                throw new IOException(tmp + ": verification failed: the file does not read back as written");
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Whether path, or a symbolic link on its chain of links, lies in a process's file descriptors ({@code /proc/PID/fd},
     * also reached as {@code /dev/fd} or {@code /proc/self/fd}): a "link" that stands for an open stream, such as
     * {@code /dev/stdout}, whatever file that stream is.
     */
    private static boolean linksToAProcessFileDescriptor(Path path) throws IOException {
        Path p = path;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
            Path parent = p.getParent();
            Path where = parent == null ? p : parent.toRealPath().resolve(p.getFileName());
            if (where.startsWith("/proc") && where.getNameCount() >= 3 && where.getName(2).toString().equals("fd")) {
                return true;
            }
            p = where.resolveSibling(Files.readSymbolicLink(where)).normalize();
        }
        return false;
    }

    /**
     * Makes the renames done in {@code dir} durable: an fsync of the folder itself, without which a power cut after a
     * rename can leave the folder listing the old file or none (the file's own fsync covers its bytes, not its name).
     * Where a folder cannot be opened for it (Windows) nothing is done; a failed fsync of an open folder is an error.
     * The interrupt flag of the calling thread is kept: it is cleared for the call (a channel opened by an interrupted
     * thread is closed at once) and set again after.
     */
    public static void syncFolder(Path dir) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            FileChannel folder;
            try {
                folder = FileChannel.open(dir, StandardOpenOption.READ);
            } catch (IOException e) {
                return;   // a platform that does not open folders; the rename itself is done
            }
            try (folder) {
                folder.force(true);
            } catch (java.nio.channels.ClosedByInterruptException e) {
                // interrupted during the fsync: the rename is done, and the flag is set again below
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The pattern of the temporary files of one target name: {@code .<name>.<digits>.tmp} or {@code .part} (also without the dot before the digits, as older versions wrote). */
    static Pattern tempPattern(String name) {
        return Pattern.compile("\\." + Pattern.quote(name) + "\\.?[0-9]+\\.(tmp|part)");
    }

    /**
     * Deletes the temporary files of these target names in dir that were last modified at least
     * {@code olderThan} ago (zero: all of them; only safe when no other writer can be at work in dir).
     *
     * @return the files deleted
     */
    public static List<Path> removeStaleTemps(Path dir, Collection<String> names, Duration olderThan) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String n : names) {
            patterns.add(tempPattern(n));
        }
        Instant cutoff = Instant.now().minus(olderThan);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String f = p.getFileName().toString();
                if (!f.startsWith(".") || patterns.stream().noneMatch(t -> t.matcher(f).matches()) || !Files.isRegularFile(p)) {
                    continue;
                }
                FileTime modified = Files.getLastModifiedTime(p);
                if (olderThan.isZero() || modified.toInstant().isBefore(cutoff)) {
                    if (Files.deleteIfExists(p)) {
                        removed.add(p);
                    }
                }
            }
        }
        return removed;
    }

    /** Counts and checksums what passes through. */
    private static final class CountingOutputStream extends OutputStream {
        final OutputStream out;
        final CRC32 crc;
        long count;

        CountingOutputStream(OutputStream out, CRC32 crc) {
            this.out = out;
            this.crc = crc;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
