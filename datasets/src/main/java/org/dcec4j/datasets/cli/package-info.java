/**
 * {@code dcec datasets}: the command that lists, fetches, verifies and draws the data sets.
 */
package org.dcec4j.datasets.cli;
