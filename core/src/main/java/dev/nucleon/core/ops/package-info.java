/**
 * The functional ops of {@link dev.nucleon.core.Tensor}, one class per family as {@code torch.nn.functional}
 * groups them: arithmetic, linear algebra, convolution, pooling, normalisation, up-sampling, reductions,
 * shaping, softmax, losses, dropout and the fused optimiser steps. Each op checks its shapes (the message names
 * the op and the offending sizes), records its {@link dev.nucleon.core.Op} when autograd is on (its gradient
 * is that record's rule in {@link dev.nucleon.core.GradientRules}), and runs on the
 * backend of its inputs.
 */
package dev.nucleon.core.ops;
