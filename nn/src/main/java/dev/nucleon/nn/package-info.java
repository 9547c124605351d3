/**
 * Neural-network building blocks on top of {@code dev.nucleon.core}, split like PyTorch's {@code torch.nn}:
 * a {@link dev.nucleon.nn.Module} is a thin holder of named {@link dev.nucleon.nn.Parameter parameters}
 * and {@link dev.nucleon.nn.Buffer buffers} whose {@code compute} is one call into a functional op of
 * {@code dev.nucleon.core.ops}.
 *
 * <ul>
 *   <li>{@code dev.nucleon.nn} — modules, parameters, counting, {@code summary()}, model configurations and
 *       the registry that rebuilds a network from its saved configuration; {@code ForwardHooks} (tools that
 *       watch forward calls) and {@code InferencePlan} (activation memory released after each last reader)</li>
 *   <li>{@code dev.nucleon.nn.layers} — Conv2d, ConvTranspose2d, BatchNorm2d, activations, pooling,
 *       upsampling, dropout, Identity, Sequential, Residual</li>
 *   <li>{@code dev.nucleon.nn.init} — seeded initialisers (Glorot/Xavier, He/Kaiming, constants)</li>
 *   <li>{@code dev.nucleon.nn.loss} — BCE, BCE with logits, cross-entropy, MSE</li>
 *   <li>{@code dev.nucleon.nn.optim} — SGD, Adam, AdamW, Adadelta, RMSprop, learning-rate schedules,
 *       early stopping</li>
 *   <li>{@code dev.nucleon.nn.io} — safetensors checkpoints of models and optimiser state</li>
 * </ul>
 *
 * <p>Defaults follow Keras wherever the reproduced papers depend on them (kernel initialisation,
 * batch-norm epsilon and momentum, optimiser hyper-parameters, plateau/early-stopping semantics, the
 * trainable/non-trainable split of {@code summary()}); tensor layout and parameter names follow PyTorch
 * (NCHW, {@code weight}/{@code bias}/{@code running_mean}/{@code running_var}) so checkpoints move to and
 * from PyTorch unchanged.
 */
package dev.nucleon.nn;
