/**
 * The networks: the convolutional autoencoder of DCEC, the dense autoencoder of DEC and IDEC, and the
 * clustering layer (Student's t soft assignment to learnable centres).
 */
package org.dcec4j.dcec.model;
