package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAtomicallyWithTheUmasksPermissions() throws IOException {
        Path f = tmp.resolve("out/model.dc4j");
        OutputFiles.writeAtomically(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        OutputFiles.writeAtomically(f, out -> out.write(new byte[100_000]));
        assertEquals(100_000, Files.size(f));
        assertEquals(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("out/probe"))), Files.getPosixFilePermissions(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(List.of("model.dc4j", "probe"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * A write on an interrupted thread (a library caller cancelling a fit) completes, the folder's fsync after the rename
     * included, and leaves the thread's interrupt flag set; the folder's fsync alone as well.
     */
    @Test
    void writesOnAnInterruptedThreadAndKeepsItsFlag() throws IOException {
        Path f = tmp.resolve("interrupted.bin");
        Thread.currentThread().interrupt();
        try {
            OutputFiles.writeAtomically(f, new byte[] {4, 5});
            assertTrue(Thread.currentThread().isInterrupted());
            OutputFiles.syncFolder(tmp);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        assertEquals(List.of("interrupted.bin"), names());
        OutputFiles.syncFolder(tmp);
        assertTrue(!Thread.currentThread().isInterrupted());
    }

    /**
     * The rename replaced whatever was at the path: a FIFO (or, as root, /dev/null: a library user's save there replaced
     * the machine's /dev/null with a regular file) became a regular file. A device, pipe or socket is refused now, nothing
     * written, and so is a link to one (/dev/stdout); a symbolic link to a file is replaced by the file and its target left
     * alone, as before.
     */
    @Test
    void aPipeOrADeviceAtThePathIsRefusedAndLeftAsItWasALinkToAFileIsReplaced() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        FileSystemException e = assertThrows(FileSystemException.class, () -> OutputFiles.writeAtomically(fifo, new byte[] {1}));
        assertEquals(fifo + ": is a device, pipe or socket, not a regular file; the file is written by renaming a new file over the path,"
                + " which would replace it: give the path of a regular file", IoErrors.describe(e));
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo) && !Files.isSymbolicLink(fifo));
        assertEquals(List.of("fifo"), names());

        Path target = Files.writeString(tmp.resolve("target"), "original");
        Path link = Files.createSymbolicLink(tmp.resolve("model.dc4j"), target);
        OutputFiles.writeAtomically(link, new byte[] {1});
        assertTrue(Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(link));
        assertEquals("original", Files.readString(target));
        Path toFifo = Files.createSymbolicLink(tmp.resolve("to-fifo"), fifo);     // as /dev/stdout is a link to a device
        assertThrows(FileSystemException.class, () -> OutputFiles.writeAtomically(toFifo, new byte[] {2}));
        assertTrue(Files.isSymbolicLink(toFifo) && Files.exists(fifo) && !Files.isRegularFile(fifo));
        assertEquals(List.of("fifo", "model.dc4j", "target", "to-fifo"), names());
    }

    /**
     * /dev/stdout is a link to /proc/self/fd/1, and when the standard output is redirected to a file (`dcec predict
     * --output /dev/stdout > preds.csv`) that descriptor is a link to a regular file: the check above let it through and
     * the rename replaced /dev/stdout itself, as root, with a regular file for every process of the machine. A link whose
     * chain passes through a process's file descriptors (/proc/PID/fd, /dev/fd) is refused now, nothing written; the link
     * and the file behind the descriptor are left as they were.
     */
    @Test
    void aLinkToAFileDescriptorOfAProcessIsRefusedEvenWhenItIsAFile() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc/self/fd");
        Path redirected = Files.writeString(tmp.resolve("redirected"), "old");
        try (java.io.FileOutputStream open = new java.io.FileOutputStream(redirected.toFile(), true)) {
            Path fd = null;
            try (Stream<Path> s = Files.list(fds)) {
                for (Path p : s.toList()) {
                    try {
                        if (Files.readSymbolicLink(p).equals(redirected)) fd = fds.resolve(p.getFileName());
                    } catch (IOException gone) {
                        // the descriptor of the listing itself, closed by now
                    }
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(fd != null, "the open file is not among /proc/self/fd");
            assertTrue(Files.isRegularFile(fd));
            Path stdout = Files.createSymbolicLink(tmp.resolve("stdout"), fd);        // as /dev/stdout -> /proc/self/fd/1
            for (Path target : List.of(stdout, fd)) {
                FileSystemException e = assertThrows(FileSystemException.class, () -> OutputFiles.writeAtomically(target, new byte[] {1}));
                assertEquals(target + ": is a file descriptor of a process (such as /dev/stdout), not a regular file; the file is"
                        + " written by renaming a new file over the path, which would replace it: give the path of a regular file",
                        IoErrors.describe(e));
            }
            assertTrue(Files.isSymbolicLink(stdout));
            assertEquals(fd, Files.readSymbolicLink(stdout));
        }
        assertEquals("old", Files.readString(redirected));
        assertEquals(List.of("redirected", "stdout"), names());
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("predictions.csv");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> OutputFiles.writeAtomically(f, out -> {
            out.write(new byte[10]);
            throw new IOException("disk full");
        }));
        // a plain IOException from the stream (what FileOutputStream throws on a full disk) is reported on the target
        assertEquals(f + ": disk full", IoErrors.describe(e));
        assertEquals(f.toString(), ((FileSystemException) e).getFile());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("predictions.csv"), names());
        // a folder where the file should go
        Files.createDirectories(tmp.resolve("dir/inside"));
        FileSystemException d = assertThrows(FileSystemException.class, () -> OutputFiles.writeAtomically(tmp.resolve("dir"), new byte[1]));
        assertEquals(tmp.resolve("dir") + ": is a directory", IoErrors.describe(d));
        assertEquals(List.of("dir", "predictions.csv"), names());
    }

    @Test
    void staleTemporaryFilesAreRecognisedByName() throws IOException {
        for (String n : List.of(".checkpoint.dc4j.123.tmp", ".checkpoint.dc4j.4567.tmp", ".report.html8899.part", ".model.dc4j.1.tmp",
                ".checkpoint.dc4j.x.tmp", "checkpoint.dc4j.1.tmp", ".other.12.tmp", "checkpoint.dc4j")) {
            Files.writeString(tmp.resolve(n), n);
        }
        Files.setLastModifiedTime(tmp.resolve(".checkpoint.dc4j.123.tmp"), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        List<Path> removed = OutputFiles.removeStaleTemps(tmp, List.of("checkpoint.dc4j", "report.html"), Duration.ofMinutes(10));
        assertEquals(List.of(tmp.resolve(".checkpoint.dc4j.123.tmp")), removed);
        removed = OutputFiles.removeStaleTemps(tmp, List.of("checkpoint.dc4j", "report.html", "model.dc4j"), Duration.ZERO);
        assertEquals(3, removed.size(), removed.toString());
        assertEquals(List.of(".checkpoint.dc4j.x.tmp", ".other.12.tmp", "checkpoint.dc4j", "checkpoint.dc4j.1.tmp"), names());
    }

    @Test
    void ioErrorsSayWhatWentWrong() {
        assertEquals("/data/x.gz: no such file or folder", IoErrors.describe(new NoSuchFileException("/data/x.gz")));
        assertEquals("/out: permission denied", IoErrors.describe(new AccessDeniedException("/out")));
        assertEquals("/out/a.tmp -> /out/a: no space left on device",
                IoErrors.describe(new FileSystemException("/out/a.tmp", "/out/a", "No space left on device")));
        assertEquals("connection reset", IoErrors.describe(new IOException("connection reset")));
        assertTrue(IoErrors.describe(new IOException()).contains("IOException"));
    }

    /**
     * A write that fails on the hidden temporary file names the file the caller asked for: /proc takes no new files,
     * and the message used to be "/proc/.x.csv.5121956089276199113.tmp: no such file or folder".
     */
    @Test
    void aFailedWriteNamesTheTargetNotTheTemporaryFile() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self")), "Linux /proc");
        java.nio.file.Path target = java.nio.file.Path.of("/proc/dcec4j-output-test.csv");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> OutputFiles.writeAtomically(target, new byte[] {1, 2, 3}));
        String line = IoErrors.describe(e);
        org.junit.jupiter.api.Assertions.assertTrue(line.startsWith(target + ": ") && !line.contains(".tmp"), line);
    }

    /**
     * A path below a file (file/x.dc4j, file/a/x.dc4j: DcecModel.save's "missing folders are created" cannot hold) was a
     * bare FileAlreadyExistsException whose message was the file in the way alone, or "Not a directory" on a folder below
     * it; it names the path asked for and the file now, and nothing is written.
     */
    @Test
    void aPathBelowAFileIsRefusedNamingTheFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "kept");
        for (Path target : List.of(file.resolve("x.dc4j"), file.resolve("a").resolve("x.dc4j"))) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> OutputFiles.writeAtomically(target, new byte[] {1}));
            assertEquals(target + ": is below " + file + ", a file, not a folder: give a path whose folders are folders (missing ones"
                    + " are created)", e.getMessage());
        }
        assertEquals("kept", Files.readString(file));
        assertEquals(List.of("file"), names());
    }

}
