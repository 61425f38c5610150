/**
 * Clustering metrics: accuracy under the best one-to-one mapping of clusters to classes (the Hungarian
 * algorithm), normalised mutual information and the adjusted Rand index.
 */
package org.dcec4j.dcec.metrics;
