/**
 * DCEC and its baselines as a library: {@code Dcec} configures a method and fits it to a data set,
 * {@code DcecModel} predicts, embeds, scores, saves and loads; {@code Cancellation} stops a fit from another
 * thread. docs/library.md is the guide.
 */
package org.dcec4j.dcec;
