package io.emotionstream.job;

import org.apache.flink.api.common.functions.MapFunction;

/** A frame that came after its camera's frames up to then had been taken into clips, as a dead letter. */
public class LateFrameRejection implements MapFunction<FaceFrame, Rejection> {
    @Override
    public Rejection map(FaceFrame frame) {
        return Rejection.lateFrame(frame);
    }
}
