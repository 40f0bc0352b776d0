package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Everything that travels between operators or sits in state is a Flink POJO, so none falls back to Kryo. */
class FlinkTypesTest {
    @Test
    @SuppressWarnings("unchecked")
    void recordsAndStateArePojos() {
        for (Class<?> type : List.of(KafkaFrameRecord.class, FaceFrame.class, FaceFrame.Face.class, FaceClip.class,
                ClipProgress.class, ScoredClip.class, Rejection.class, SmoothingState.class, FaceTracks.class,
                FaceTrack.class, ClipAssembler.CameraClock.class)) {
            assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(type), type.getSimpleName());
        }
        // arrays of POJOs are POJO arrays, not generic types
        PojoTypeInfo<FaceFrame> frame = (PojoTypeInfo<FaceFrame>) TypeInformation.of(FaceFrame.class);
        assertInstanceOf(PojoTypeInfo.class, ((ObjectArrayTypeInfo<?, ?>) frame.getTypeAt(frame.getFieldIndex("faces")))
                .getComponentInfo());
        PojoTypeInfo<FaceTracks> tracks = (PojoTypeInfo<FaceTracks>) TypeInformation.of(FaceTracks.class);
        assertInstanceOf(PojoTypeInfo.class, ((ObjectArrayTypeInfo<?, ?>) tracks.getTypeAt(tracks.getFieldIndex("tracks")))
                .getComponentInfo());
    }
}
