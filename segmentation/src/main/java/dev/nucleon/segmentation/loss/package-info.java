/**
 * The papers' segmentation losses on probabilities, as nn {@link dev.nucleon.nn.loss.Loss}es: the soft Dice
 * coefficient ({@link dev.nucleon.segmentation.loss.SoftDice}) and loss
 * ({@link dev.nucleon.segmentation.loss.DiceLoss}), paper 003's BCE + Dice loss
 * ({@link dev.nucleon.segmentation.loss.BceDiceLoss}) and paper 004's λ·BCE − log Dice
 * ({@link dev.nucleon.segmentation.loss.BceLogDiceLoss}). Binary cross-entropy itself and the 3-class
 * cross-entropy of paper 001 are nn's ({@code BinaryCrossEntropy}, {@code CrossEntropy}). Papers 000–004: see
 * {@code docs/papers.md}.
 */
package dev.nucleon.segmentation.loss;
