package org.dcec4j.dcec.report;

/** A run file that cannot be read or a report that cannot be written; the message names the file and position. */
public class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
