/**
 * Layers built on the ops: {@code Conv2d}, {@code ConvTranspose2d}, {@code Linear}, {@code ReLU}, {@code Flatten},
 * {@code Reshape}, composed by {@code Sequential}; {@code Init} holds Keras's initialisers (Glorot uniform kernels,
 * zero biases), and {@code Padding} Keras's 'same' and 'valid' padding, which the reference implementation uses.
 */
package org.dcec4j.engine.nn;
