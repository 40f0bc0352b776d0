package io.emotionstream.ingest;

import java.awt.image.BufferedImage;

/** A frame as a source delivers it: the picture and when it was captured (epoch milliseconds). */
public record CapturedFrame(BufferedImage image, long captureTimeMillis) {}
