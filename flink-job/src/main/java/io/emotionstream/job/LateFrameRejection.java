package io.emotionstream.job;

import org.apache.flink.api.common.functions.MapFunction;

/** A frame that came behind the watermark, as a dead letter. */
public class LateFrameRejection implements MapFunction<FaceFrame, Rejection> {
    private final String framesTopic;

    public LateFrameRejection(String framesTopic) {
        this.framesTopic = framesTopic;
    }

    @Override
    public Rejection map(FaceFrame frame) {
        return Rejection.lateFrame(frame, framesTopic);
    }
}
