package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Everything that travels between operators or sits in state is a Flink POJO, so none falls back to Kryo. */
class FlinkTypesTest {
    @Test
    void recordsAndStateArePojos() {
        for (Class<?> type : List.of(KafkaFrameRecord.class, FaceFrame.class, FaceClip.class, ClipProgress.class,
                ScoredClip.class, Rejection.class, SmoothingState.class)) {
            assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(type), type.getSimpleName());
        }
    }
}
