/**
 * The kernels behind the ops: {@code Kernels} is their interface, {@code ScalarKernels} the readable reference
 * implementation, and the Vector API twin (internal, loaded by {@code Backend} when the JVM has the incubating
 * module) computes the same bits. {@code ReductionOrder} and {@code ConvGeometry} fix the order of every sum and
 * the shapes of the convolutions; docs/kernels.md explains both.
 */
package org.dcec4j.engine.kernels;
