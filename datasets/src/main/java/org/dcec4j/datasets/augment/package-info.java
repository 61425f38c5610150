/**
 * DEC-DA's data augmentation: {@code RandomAffine} draws a random rotation and shift per image from a seed and
 * warps the image bilinearly ({@code AffineWarp}); {@code RandomAffinePool} does a batch on several threads with
 * the same result.
 */
package org.dcec4j.datasets.augment;
