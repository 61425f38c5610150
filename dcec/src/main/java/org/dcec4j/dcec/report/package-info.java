/**
 * {@code report.html}: a run's logs, charts, confusion matrix and cluster samples in one self-contained page.
 */
package org.dcec4j.dcec.report;
