package org.dcec4j.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * I/O failures as one line for a user: the path and what went wrong ("permission denied", "no such file
 * or folder", "no space left on device"), where the JDK's own message is often only the path.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * The text of a UTF-8 file. A byte sequence that UTF-8 cannot decode fails with a FileSystemException naming the
     * file, the byte offset and the byte ({@code results.json: byte 7 (0xff) is not UTF-8}), where
     * {@code Files.readString} throws a MalformedInputException whose whole message is "Input length = 1".
     */
    public static String readUtf8(java.nio.file.Path file) throws IOException {
        return decodeUtf8(java.nio.file.Files.readAllBytes(file), file.toString());
    }

    /** {@link #readUtf8}'s decoding of bytes already read from {@code file} (a Hadoop path, say), which the message names. */
    public static String decodeUtf8(byte[] bytes, String file) throws FileSystemException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.charset.CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            int at = in.position();
            throw new FileSystemException(file, null, "byte " + at + " (0x"
                    + String.format(Locale.ROOT, "%02x", bytes[at] & 0xff) + ") is not UTF-8");
        }
        return out.flip().toString();
    }

    /** {@code <path>: <reason>} (or {@code <path> -> <other path>: <reason>}), or the best line the exception gives. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String where = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            String why = reason(f);
            return where.isEmpty() ? why : where + ": " + why;
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * The same for a failure on a known file: exceptions that do not name their file (a read of a folder
     * fails with a bare "Is a directory") get {@code file} in front.
     */
    public static String describe(Object file, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return describe(e);
        }
        String m = e instanceof FileSystemException f ? reason(f) : e.getMessage();
        m = m == null || m.isBlank() ? e.getClass().getSimpleName() : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
        return file + ": " + m;
    }

    /**
     * A name that this JVM cannot use as a path: {@code '<name>' is not a file name this JVM can use (<reason>)}. Under
     * a locale whose encoding is not UTF-8 (sun.jnu.encoding; ASCII under LANG=C, where JDK 17 reads every non-ASCII
     * byte of an argument as U+FFFD) the line says so and what to do, where the JDK's message was only "Malformed input
     * or input contains unmappable characters: /tmp/??" (each "?" a U+FFFD).
     */
    public static String describe(InvalidPathException e) {
        String reason = e.getReason() == null || e.getReason().isBlank() ? "invalid" : e.getReason();
        String line = "'" + e.getInput() + "' is not a file name this JVM can use (" + reason.substring(0, 1).toLowerCase(Locale.ROOT)
                + reason.substring(1) + ")";
        String jnu = System.getProperty("sun.jnu.encoding", "");
        if (!jnu.equalsIgnoreCase("UTF-8") && !jnu.isEmpty()) {
            line += ": it reads file names as " + jnu + " (sun.jnu.encoding, from the locale: LANG, LC_ALL), which cannot spell"
                    + " them; run it under a UTF-8 locale, e.g. LANG=C.UTF-8";
        }
        return line;
    }

    /** The same for an unchecked wrapper. */
    public static String describe(UncheckedIOException e) {
        return describe(e.getCause());
    }

    /** What went wrong, without the path ("permission denied", "is a directory"). */
    public static String why(IOException e) {
        if (e instanceof FileSystemException f) {
            return reason(f);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * A failure of a stream that names no file (a write on a full disk throws a plain {@code IOException("No space
     * left on device")}; FileOutputStream's open failure reads "path (reason)") reported on {@code file}: a
     * FileSystemException naming it, with the reason in lower case and {@code e} as its cause. A FileSystemException
     * that already names a file is returned as it is.
     */
    public static FileSystemException onFile(Object file, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f;
        }
        String m = e instanceof FileSystemException f ? reason(f) : e.getMessage();
        m = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        String prefix = file + " (";
        if (m.startsWith(prefix) && m.endsWith(")")) {
            m = m.substring(prefix.length(), m.length() - 1);
        }
        FileSystemException named = new FileSystemException(file.toString(), null,
                m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1));
        named.initCause(e);
        return named;
    }

    /** What went wrong on a file-system path, without the path: "permission denied", "no such file or folder", or the exception's reason. */
    static String reason(FileSystemException f) {
        if (f instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists and is not a folder";
        }
        if (f instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "folder not empty";
        }
        if (f instanceof NotLinkException) {
            return "not a symbolic link";
        }
        String r = f.getReason();
        if (r == null || r.isBlank()) {
            return f.getClass().getSimpleName();
        }
        // the operating system's text ("Is a directory", "No space left on device"), in the case of the rest of the line
        return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }
}
