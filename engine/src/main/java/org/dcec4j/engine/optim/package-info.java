/**
 * Optimisers that update a module's parameters from their gradients: {@code Adam} and {@code Sgd}.
 */
package org.dcec4j.engine.optim;
