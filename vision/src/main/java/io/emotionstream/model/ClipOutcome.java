package io.emotionstream.model;

/**
 * What a model says about one clip: the most probable label (its index and name), that probability (the
 * confidence), whether it reaches the model's confidence threshold ({@link ModelDescriptor#minConfidence()}; a clip
 * below it is "uncertain"), and every label's probability in the descriptor's label order.
 */
public record ClipOutcome(int labelIndex, String label, float confidence, boolean confident, float[] probabilities) {}
