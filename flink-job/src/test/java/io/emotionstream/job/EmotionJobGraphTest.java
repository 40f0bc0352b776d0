package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The job's graph keeps each camera's frames in order from the source to the face stage: the stage that splits off
 * unusable records runs at the source's parallelism, forward from it, even when the job's parallelism is another (as
 * in the video evaluation, whose one reader feeds a job of parallelism 2). A rebalance there once mixed a camera's
 * frames up, and 70 of a video's 765 frames came too late for their clips.
 */
class EmotionJobGraphTest {
    @Test
    void framesGoForwardFromTheSourceToTheKeyedFaceStage() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        PipelineSettings settings = new PipelineSettings(ModelDescriptor.load(ProjectPaths.defaultModel()),
                FaceStageSettings.defaults(DlibFaceDetector.DEBIAN_LANDMARK_MODEL.toString(),
                        FaceStageSettings.DEFAULT_KEYFRAME_INTERVAL),
                ClipSettings.defaults(30), new ScorerSettings(ScoringOptions.cpu(1, 2), 100),
                SmoothingSettings.defaults());
        EmotionJob.defineWorkflow(env.fromData(List.of(new KafkaFrameRecord())).setParallelism(1), new Discard<>(),
                new Discard<>(), settings);
        StreamGraph graph = env.getStreamGraph();
        Map<String, StreamNode> nodes = graph.getStreamNodes().stream()
                .collect(Collectors.toMap(StreamNode::getOperatorName, n -> n, (a, b) -> a));
        StreamNode split = nodes.get("unusable-records");
        assertEquals(1, split.getParallelism(), "at the source's parallelism");
        StreamEdge in = split.getInEdges().get(0);
        assertTrue(in.getPartitioner().toString().contains("FORWARD"), "forward from the source: " + in.getPartitioner());
        StreamNode face = nodes.get("face-crop");
        assertTrue(face.getInEdges().get(0).getPartitioner().toString().contains("HASH"), "keyed by camera");
    }

    /** A sink that drops everything (the graph is only built here, never run). */
    private static final class Discard<T> implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
