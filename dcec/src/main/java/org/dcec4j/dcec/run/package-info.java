/**
 * A run folder: its lock (one run per folder), its configuration, its CSV logs and predictions, and the pixel
 * k-means baseline. Whole files are replaced atomically; the logs are appended a flushed row at a time, so that a
 * killed run keeps its rows.
 */
package org.dcec4j.dcec.run;
