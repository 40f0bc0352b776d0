package io.emotionstream.job;

import java.io.Serializable;

/**
 * The face stage's settings.
 *
 * @param landmarkModel dlib's 68-point landmark model file
 * @param upsample times frames are doubled before detection (0: faces from about 80 px; 1: from about 40 px, 4x cost)
 * @param minFaceScore dlib detections scoring below this are ignored
 */
public record FaceStageSettings(String landmarkModel, int upsample, double minFaceScore)
        implements Serializable {}
