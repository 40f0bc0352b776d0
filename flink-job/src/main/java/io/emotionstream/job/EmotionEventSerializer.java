package io.emotionstream.job;

import io.emotionstream.schema.EmotionEvent;
import io.emotionstream.schema.FaceBox;
import io.emotionstream.schema.LabelProbability;
import io.emotionstream.schema.SingleObject;
import io.emotionstream.schema.SmoothedEmotion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a face's emotion at a clip as an EmotionEvent (Avro single-object encoding) keyed by camera, stamped with the
 * clip's end.
 */
public class EmotionEventSerializer implements KafkaRecordSerializationSchema<FaceEmotion> {
    private final String topic;

    public EmotionEventSerializer(String topic) {
        this.topic = topic;
    }

    static EmotionEvent toEvent(FaceEmotion emotion) {
        ScoredClip s = emotion.clip;
        List<LabelProbability> probabilities = new ArrayList<>(s.labels.length);
        for (int i = 0; i < s.labels.length; i++) {
            probabilities.add(new LabelProbability(s.labels[i], s.probabilities[i]));
        }
        return EmotionEvent.newBuilder()
                .setCameraId(s.cameraId)
                .setFaceTrack(s.faceTrack)
                .setFacesInView(s.facesInView)
                .setClipStartTime(Instant.ofEpochMilli(s.clipStartMillis))
                .setClipEndTime(Instant.ofEpochMilli(s.clipEndMillis))
                .setFirstSequence(s.firstSequence)
                .setLastSequence(s.lastSequence)
                .setFramesUsed(s.framesUsed)
                .setFramesLookedAt(s.framesLookedAt)
                .setFaceBox(s.faceWidth > 0 ? new FaceBox(s.faceX, s.faceY, s.faceWidth, s.faceHeight) : null)
                .setLabel(s.label)
                .setConfidence(s.confidence)
                .setProbabilities(probabilities)
                .setModelName(s.modelName)
                .setModelVersion(s.modelVersion)
                .setProcessingLatencyMs(s.processingLatencyMs)
                .setConfident(s.confident)
                .setSmoothed(emotion.steadyLabel == null ? null
                        : new SmoothedEmotion(emotion.steadyLabel, emotion.steadyConfidence, emotion.steadyClips))
                .build();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(FaceEmotion emotion, KafkaSinkContext context, Long timestamp) {
        // the record's time is the broker's time of the clip's last frame, where known: not the camera's clock, so
        // that a camera whose clock is wrong neither loses its summaries nor moves the summary windows of others
        ScoredClip clip = emotion.clip;
        long time = clip.endRecordTimeMillis > 0 ? clip.endRecordTimeMillis : clip.clipEndMillis;
        return new ProducerRecord<>(topic, null, time,
                emotion.clip.cameraId.getBytes(StandardCharsets.UTF_8), SingleObject.encode(toEvent(emotion)));
    }
}
