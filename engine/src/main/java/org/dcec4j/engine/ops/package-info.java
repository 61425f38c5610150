/**
 * The differentiable operations, one class each: its forward and its backward side by side, with the formula of
 * each gradient above the line that computes it (convolutions, dense products, ReLU, MSE, Student's t, KL
 * divergence and the elementwise ops).
 */
package org.dcec4j.engine.ops;
