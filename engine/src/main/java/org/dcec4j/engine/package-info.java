/**
 * Float32 NCHW tensors and reverse-mode autograd: {@code Tensor} holds the data and, during a step, the graph;
 * {@code F} is the functional API of the ops; {@code Autograd} runs the backward pass; {@code Backend} chooses the
 * kernels (scalar or Vector API) and owns their threads; {@code StepArena} reuses a step's arrays in the next step.
 * The derivations of every op are in the repository's docs/math pages.
 */
package org.dcec4j.engine;
