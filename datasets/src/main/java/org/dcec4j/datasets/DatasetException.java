package org.dcec4j.datasets;

/**
 * The one exception for bad input: a missing, corrupt, truncated or malformed file, an empty or
 * inconsistent image folder, an unknown data set name, a failed download. The message names the
 * file, the position in it and what was expected there, so that it can be shown to a user as is.
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the whole message, already naming the file, the position and what was expected */
    public DatasetException(String message) {
        super(message);
    }

    /** @param message the whole message; @param cause the underlying I/O or parse error */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A message of the form {@code <file>: at <position>: expected <expected>, found <found>}.
     *
     * @param file     the file (or folder, or URL) that is wrong
     * @param position where in it, e.g. "byte 4", "line 17, column 3", "image 12"
     * @param expected what a valid input has there
     * @param found    what this one has instead
     */
    public static DatasetException at(Object file, String position, String expected, String found) {
        return new DatasetException(file + ": at " + position + ": expected " + expected + ", found " + found);
    }
}
