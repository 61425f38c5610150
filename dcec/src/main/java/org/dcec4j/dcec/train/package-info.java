/**
 * The training loop: pretraining of the autoencoder, k-means initialisation, and the clustering phase with its
 * target distribution P, its stopping rule, checkpoints and resume, and a listener for progress.
 */
package org.dcec4j.dcec.train;
