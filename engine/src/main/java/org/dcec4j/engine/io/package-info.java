/**
 * {@code TensorFile}: named tensors in one checksummed file, written atomically (a temporary file, then a
 * rename); the format of models and checkpoints.
 */
package org.dcec4j.engine.io;
