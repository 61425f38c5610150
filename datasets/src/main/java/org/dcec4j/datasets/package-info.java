/**
 * Data sets as one float array of NCHW images in [0, 1] with optional labels ({@code Dataset}): {@code Datasets} loads the named sets (MNIST, MNIST-test, USPS,
 * Fashion-MNIST), image folders and the synthetic {@code Shapes}; the readers check sizes and checksums and name the
 * file and position of any fault ({@code DatasetException}); downloads and outputs are written atomically.
 */
package org.dcec4j.datasets;
