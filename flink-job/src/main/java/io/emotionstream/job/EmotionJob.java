package io.emotionstream.job;

import io.emotionstream.schema.CameraSites;
import io.emotionstream.schema.PublishedSchemas;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The emotion job's graph: frames from Kafka, faces (dlib), clips per face, scores (ONNX), a steady emotion per face
 * next to each clip's, emotion events and dead letters to Kafka with exactly-once delivery. {@link #defineWorkflow}
 * takes the source and sinks, so tests can replace them.
 */
public final class EmotionJob {
    private EmotionJob() {}

    /**
     * What the graph makes of the frames: scored clips, the records it rejected (for the dead letters), and the face
     * clips before scoring (which the job itself does not write anywhere; the evaluation keeps their crops).
     */
    public record Outputs(DataStream<FaceEmotion> emotions, DataStream<Rejection> rejected, DataStream<FaceClip> clips) {}

    /** Builds the graph from a source of frame records into the two sinks. */
    public static void defineWorkflow(StreamExecutionEnvironment env, Source<KafkaFrameRecord, ?, ?> source,
                                      Sink<FaceEmotion> events, Sink<Rejection> deadLetters, PipelineSettings settings) {
        defineWorkflow(frames(env, source), events, deadLetters, settings);
    }

    /** Builds the graph from a stream of frame records ({@link #frames}) into the two sinks. */
    public static void defineWorkflow(DataStream<KafkaFrameRecord> frames, Sink<FaceEmotion> events,
                                      Sink<Rejection> deadLetters, PipelineSettings settings) {
        Outputs outputs = process(frames, settings);
        outputs.emotions().sinkTo(events).name("emotion-events").uid("emotion-events-sink");
        outputs.rejected().sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");
    }

    /**
     * The frame records of a source, stamped with their capture times. No watermarks: event time is kept per camera
     * ({@link ClipAssembler}), so that one camera never holds back another. Each camera's frames must come from one
     * source reader in order (a Kafka partition does that); the caller may set the source's parallelism.
     */
    public static DataStreamSource<KafkaFrameRecord> frames(StreamExecutionEnvironment env,
                                                            Source<KafkaFrameRecord, ?, ?> source) {
        WatermarkStrategy<KafkaFrameRecord> timestamps = WatermarkStrategy.<KafkaFrameRecord>noWatermarks()
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime());
        DataStreamSource<KafkaFrameRecord> records = env.fromSource(source, timestamps, "frames");
        records.uid("frames-source");
        return records;
    }

    /** The processing part of the graph, from frame records to its outputs, without sinks. */
    public static Outputs process(DataStream<KafkaFrameRecord> records, PipelineSettings settings) {
        // at the source's parallelism, chained to it: a rebalance here would mix up each camera's frame order
        SingleOutputStreamOperator<KafkaFrameRecord> usable = records
                .process(new UnusableRecords())
                .setParallelism(records.getParallelism())
                .name("unusable-records").uid("unusable-records");
        SingleOutputStreamOperator<KafkaFrameRecord> shared = usable
                .process(new FairShare(settings.fairShare()))
                .setParallelism(records.getParallelism())
                .name("fair-share").uid("fair-share");

        SingleOutputStreamOperator<KafkaFrameRecord> read = shared
                .map(new UnreadImages(settings.grid()))
                .setParallelism(records.getParallelism())
                .name("unread-images").uid("unread-images");

        SingleOutputStreamOperator<FaceFrame> faces = read
                .keyBy(KafkaFrameRecord::cameraKey)
                .process(new FaceCropStage(settings.model(), settings.face(), settings.grid()))
                .name("face-crop").uid("face-crop");

        // the face stage's output is already partitioned by camera (usable records have a camera id, their key):
        // the clip stage is chained to it, so the frames passed over travel as method calls, not through the network
        SingleOutputStreamOperator<FaceClip> clips = DataStreamUtils
                .reinterpretAsKeyedStream(faces, frame -> frame.cameraId, Types.STRING)
                .process(new ClipAssembler(settings.clips(), settings.grid()))
                .name("clip-assembler").uid("clip-assembler");

        SingleOutputStreamOperator<FaceEmotion> emotions = clips
                .transform("clip-scorer", TypeInformation.of(ScoredClip.class),
                        new ClipScorer(settings.model(), settings.scorer()))
                .uid("clip-scorer")
                .keyBy(ScoredClip::faceKey)
                .process(new EmotionSmoother(settings.smoothing()))
                .name("emotion-smoother").uid("emotion-smoother");

        DataStream<Rejection> late = clips.getSideOutput(ClipAssembler.REFUSED_FRAMES);
        DataStream<Rejection> rejected = usable.getSideOutput(UnusableRecords.UNUSABLE)
                .union(shared.getSideOutput(FairShare.DROPPED), faces.getSideOutput(FaceCropStage.REJECTED), late);
        return new Outputs(emotions, rejected, clips);
    }

    /**
     * The job on Kafka in the environment of this process: a Flink cluster's under {@code flink run}, else a local
     * cluster.
     */
    public static StreamExecutionEnvironment onKafka(KafkaSettings kafka, PipelineSettings pipeline, RunSettings run) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(run.configuration());
        if (run.parallelism() != null) {
            env.setParallelism(run.parallelism());
        }
        env.enableCheckpointing(run.checkpointIntervalMillis());
        defineWorkflow(env, kafkaSource(kafka), eventSink(kafka), deadLetterSink(kafka), pipeline);
        return env;
    }

    /**
     * The frames topic and every site's ({@code <frames topic>.SITE}, {@link CameraSites}; a site's topic made while
     * the job runs is read within 30 s) as a source of decoded records.
     */
    public static KafkaSource<KafkaFrameRecord> kafkaSource(KafkaSettings kafka) {
        KafkaSourceBuilder<KafkaFrameRecord> builder = KafkaSource.<KafkaFrameRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopicPattern(CameraSites.framesTopics(kafka.framesTopic()))
                .setGroupId(kafka.groupId())
                .setDeserializer(new FrameRecordDeserializer(kafka.limits(),
                        new PublishedSchemas.Source(kafka.bootstrapServers(), kafka.schemasTopic(),
                                kafka.clientProperties()), kafka.framesTopic()))
                .setProperty("partition.discovery.interval.ms", "30000")
                .setProperty("max.partition.fetch.bytes", Integer.toString(Math.max(1 << 20, kafka.limits().maxRecordBytes())))
                .setProperty("fetch.max.bytes", Integer.toString(Math.max(50 << 20, kafka.limits().maxRecordBytes())));
        switch (kafka.startFrom()) {
            case "earliest":
                builder.setStartingOffsets(OffsetsInitializer.earliest());
                break;
            case "latest":
                builder.setStartingOffsets(OffsetsInitializer.latest());
                break;
            default:
                builder.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        if (kafka.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        kafka.clientProperties().forEach(builder::setProperty);
        return builder.build();
    }

    /** Emotion events, written in Kafka transactions committed with Flink's checkpoints. */
    public static KafkaSink<FaceEmotion> eventSink(KafkaSettings kafka) {
        return KafkaSink.<FaceEmotion>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new EmotionEventSerializer(kafka.eventsTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-events")
                .setKafkaProducerConfig(producerProperties(kafka))
                .build();
    }

    /** Dead letters, exactly once like the events. */
    public static KafkaSink<Rejection> deadLetterSink(KafkaSettings kafka) {
        return KafkaSink.<Rejection>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new DeadLetterSerializer(kafka.deadLettersTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-dead-letters")
                .setKafkaProducerConfig(producerProperties(kafka))
                .build();
    }

    private static Properties producerProperties(KafkaSettings kafka) {
        Properties props = new Properties();
        props.put("transaction.timeout.ms", "600000"); // within the broker's transaction.max.timeout.ms (15 min)
        props.putAll(kafka.clientProperties());
        return props;
    }
}
