package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.face.FrameDecoder;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.schema.DeadLetterReason;
import java.nio.file.Path;
import java.util.List;

/**
 * The face stage's work on one frame record, free of Flink: its image decoded ({@link FrameDecoder}), its faces found
 * and followed ({@link FaceTracker}), and the frame with their crops made ({@link FaceFrame}). {@link FaceCropStage}
 * runs it in the job; the pipeline benchmark times its steps. Holds a native dlib detector: one per thread, closed
 * after use.
 *
 * <p>Where the model reads only the crop's luma ({@link ModelDescriptor#readsLumaOnly()}), as the default model
 * does, frames are decoded to gray (a JPEG's own Y channel, its colour left undecoded) and the crops are gray: dlib
 * works on gray anyway, and the crop costs a third.
 */
public final class FaceFinder implements AutoCloseable {
    /** A frame that cannot go on, with the dead-letter reason. */
    public static final class RejectedFrame extends Exception {
        private final DeadLetterReason reason;

        RejectedFrame(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        public DeadLetterReason reason() {
            return reason;
        }
    }

    private final FrameDecoder decoder;
    private final DlibFaceDetector detector;
    private final FaceTracker tracker;

    public FaceFinder(ModelDescriptor model, FaceStageSettings settings) {
        this.decoder = new FrameDecoder(model.readsLumaOnly());
        this.detector = new DlibFaceDetector(new DlibFaceDetector.Options(Path.of(settings.landmarkModel()),
                settings.upsample(), settings.minFaceScore()));
        this.tracker = new FaceTracker(detector, new FaceCropper(model.crop()), settings);
    }

    /** The frame with the crops of the camera's faces in it; the camera's tracks follow them. */
    public FaceFrame find(KafkaFrameRecord record, FaceTracks camera) throws RejectedFrame {
        return frameOf(record, locate(decode(record), camera, record.sequence));
    }

    /** A frame no clip reads ({@link ClipGrid}), passed on undecoded: where it came from and when. */
    public static FaceFrame passedOver(KafkaFrameRecord record) {
        FaceFrame frame = FaceFrame.passedOver(record.cameraId, record.sequence, record.captureTimeMillis);
        source(record, frame);
        return frame;
    }

    /**
     * The frame's image, gray where the model reads only luma, else RGB (valid until the next frame is decoded). A
     * record the deserializer marked unusable is rejected with its own reason.
     */
    public ImageFrame decode(KafkaFrameRecord record) throws RejectedFrame {
        if (!record.usable()) {
            throw new RejectedFrame(record.problem, record.problemDetail);
        }
        try {
            return decoder.decode(record.data, record.width, record.height);
        } catch (FrameDecoder.BadImage e) {
            throw new RejectedFrame(e.wrongSize() ? DeadLetterReason.INVALID_FRAME : DeadLetterReason.UNDECODABLE_IMAGE,
                    record.encoding + " frame " + record.sequence + ": " + e.getMessage());
        }
    }

    /** The camera's faces in this image with their crops, in track order ({@link FaceTracker#locate}). */
    public List<FaceTracker.TrackedFace> locate(ImageFrame image, FaceTracks camera) {
        return tracker.locate(image, camera);
    }

    /**
     * The camera's faces in the image of the frame of this sequence number, the frames passed over since its last
     * one counted ({@link FaceTracker#locate(ImageFrame, FaceTracks, long)}).
     */
    public List<FaceTracker.TrackedFace> locate(ImageFrame image, FaceTracks camera, long sequence) {
        return tracker.locate(image, camera, sequence);
    }

    /** The tracker's counts so far: faces followed by fitted landmarks. */
    public long fittedFaces() {
        return tracker.fittedFaces();
    }

    /** The tracker's counts so far: detections near a face's last box. */
    public long nearSearches() {
        return tracker.nearSearches();
    }

    /** The tracker's counts so far: whole-frame searches. */
    public long keyframes() {
        return tracker.keyframes();
    }

    /** The frame record as a frame of faces, each with its track, box, detection score and crop. */
    public static FaceFrame frameOf(KafkaFrameRecord record, List<FaceTracker.TrackedFace> faces) {
        FaceFrame.Face[] crops = new FaceFrame.Face[faces.size()];
        for (int i = 0; i < crops.length; i++) {
            DetectedFace face = faces.get(i).face();
            ImageFrame crop = faces.get(i).crop();
            FaceFrame.Face out = new FaceFrame.Face(faces.get(i).track(), crop.width(), crop.height(), crop.channels(),
                    crop.pixels());
            out.score = face.score();
            out.x = face.x();
            out.y = face.y();
            out.width = face.width();
            out.height = face.height();
            crops[i] = out;
        }
        FaceFrame frame = FaceFrame.withFaces(record.cameraId, record.sequence, record.captureTimeMillis, crops);
        source(record, frame);
        return frame;
    }

    private static void source(KafkaFrameRecord record, FaceFrame frame) {
        frame.sourceTopic = record.topic;
        frame.sourcePartition = record.partition;
        frame.sourceOffset = record.offset;
        frame.recordTimeMillis = record.kafkaTimestamp;
    }

    @Override
    public void close() {
        detector.close();
    }
}
