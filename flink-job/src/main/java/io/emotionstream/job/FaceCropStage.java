package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.RgbFrame;
import io.emotionstream.schema.DeadLetterReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each frame's image, finds the face with dlib and cuts the model's crop (geometry from the model
 * descriptor). A frame without a face passes on as such. A record the deserializer marked unusable (too large, not
 * a VideoFrame, invalid), or whose image cannot be decoded, goes to {@link #REJECTED} with the reason; the job goes
 * on. One dlib detector per parallel instance.
 */
public class FaceCropStage extends ProcessFunction<KafkaFrameRecord, FaceFrame> {
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-frames") {};

    private final ModelDescriptor model;
    private final FaceStageSettings settings;
    private transient DlibFaceDetector detector;
    private transient FaceCropper cropper;
    private transient Counter framesIn;
    private transient Counter facesFound;
    private transient Counter framesWithoutFace;
    private transient Counter rejected;

    public FaceCropStage(ModelDescriptor model, FaceStageSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        cropper = new FaceCropper(model.crop());
        detector = new DlibFaceDetector(new DlibFaceDetector.Options(Path.of(settings.landmarkModel()),
                settings.upsample(), settings.minFaceScore()));
        framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
        facesFound = getRuntimeContext().getMetricGroup().counter("facesFound");
        framesWithoutFace = getRuntimeContext().getMetricGroup().counter("framesWithoutFace");
        rejected = getRuntimeContext().getMetricGroup().counter("framesRejected");
    }

    @Override
    public void processElement(KafkaFrameRecord record, Context ctx, Collector<FaceFrame> out) {
        framesIn.inc();
        if (!record.usable()) {
            reject(ctx, record, record.problem, record.problemDetail);
            return;
        }
        BufferedImage image = decode(record, ctx);
        if (image == null) {
            return;
        }
        FaceFrame result;
        try {
            RgbFrame rgb = RgbFrame.of(image);
            List<DetectedFace> faces = detector.detect(rgb);
            if (faces.isEmpty()) {
                framesWithoutFace.inc();
                result = FaceFrame.withoutFace(record.cameraId, record.sequence, record.captureTimeMillis);
            } else {
                facesFound.inc();
                DetectedFace face = faces.get(0);
                RgbFrame crop = cropper.crop(rgb, face);
                result = FaceFrame.withFace(record.cameraId, record.sequence, record.captureTimeMillis, crop.width(),
                        crop.height(), crop.pixels());
                result.faceScore = face.score();
                result.faceX = face.x();
                result.faceY = face.y();
                result.faceWidth = face.width();
                result.faceHeight = face.height();
            }
        } catch (RuntimeException e) {
            reject(ctx, record, DeadLetterReason.FACE_STAGE_ERROR, "face stage failed: " + e);
            return;
        }
        result.sourcePartition = record.partition;
        result.sourceOffset = record.offset;
        out.collect(result);
    }

    /**
     * Decodes the frame's image, after checking from its header alone that it has the size the record declares (which
     * the deserializer bounded), so an image whose header claims a huge size costs nothing. Returns null after
     * rejecting the record when the image cannot be decoded or has another size.
     */
    private BufferedImage decode(KafkaFrameRecord record, Context ctx) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(record.data))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers != null && readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    int width = reader.getWidth(0);
                    int height = reader.getHeight(0);
                    if (width != record.width || height != record.height) {
                        reject(ctx, record, DeadLetterReason.INVALID_FRAME, "image is " + width + "x" + height
                                + " but the record says " + record.width + "x" + record.height);
                        return null;
                    }
                    return reader.read(0);
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // undecodable: rejected below
        }
        reject(ctx, record, DeadLetterReason.UNDECODABLE_IMAGE,
                record.encoding + " data of frame " + record.sequence + " cannot be decoded");
        return null;
    }

    private void reject(Context ctx, KafkaFrameRecord record, DeadLetterReason reason, String detail) {
        rejected.inc();
        ctx.output(REJECTED, Rejection.of(record, reason, detail));
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }
}
