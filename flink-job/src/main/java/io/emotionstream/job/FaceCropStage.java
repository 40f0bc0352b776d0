package io.emotionstream.job;

import io.emotionstream.face.DetectedFace;
import io.emotionstream.face.DlibFaceDetector;
import io.emotionstream.face.FaceCropper;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.RgbFrame;
import io.emotionstream.schema.FrameEncoding;
import io.emotionstream.schema.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each frame record, checks it, decodes its image, finds the face with dlib and cuts the model's crop
 * (geometry from the model descriptor). A frame without a face passes on as such. A record that is no VideoFrame,
 * is invalid, too large, or whose image cannot be decoded goes to {@link #REJECTED} with the reason; the job goes
 * on. One dlib detector per parallel instance.
 */
public class FaceCropStage extends ProcessFunction<KafkaFrameRecord, FaceFrame> {
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-frames") {};

    private final FaceStageSettings settings;
    private transient DlibFaceDetector detector;
    private transient FaceCropper cropper;
    private transient Counter framesIn;
    private transient Counter facesFound;
    private transient Counter framesWithoutFace;
    private transient Counter rejected;

    public FaceCropStage(FaceStageSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        ModelDescriptor model = ModelDescriptor.load(Path.of(settings.modelDir()));
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
        if (record.value.length > settings.maxRecordBytes()) {
            reject(ctx, record, record.key, Rejection.OVERSIZED_RECORD,
                    "record of " + record.value.length + " bytes exceeds " + settings.maxRecordBytes());
            return;
        }
        VideoFrame frame;
        try {
            frame = VideoFrame.getDecoder().decode(ByteBuffer.wrap(record.value));
        } catch (MissingSchemaException e) {
            reject(ctx, record, record.key, Rejection.NOT_AVRO, "VideoFrame of an unknown schema: " + e.getMessage());
            return;
        } catch (IOException | AvroRuntimeException e) {
            reject(ctx, record, record.key, Rejection.NOT_AVRO, "not a VideoFrame record: " + e.getMessage());
            return;
        }
        String problem = validate(frame, record.key);
        if (problem != null) {
            reject(ctx, record, frame.getCameraId(), Rejection.INVALID_FRAME, problem);
            return;
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(frame.getData().array(), frame.getData().arrayOffset(),
                    frame.getData().remaining()));
        } catch (IOException | RuntimeException e) {
            image = null;
        }
        if (image == null) {
            reject(ctx, record, frame.getCameraId(), Rejection.UNDECODABLE_IMAGE,
                    frame.getEncoding() + " data of frame " + frame.getSequence() + " cannot be decoded");
            return;
        }
        if (image.getWidth() != frame.getWidth() || image.getHeight() != frame.getHeight()) {
            reject(ctx, record, frame.getCameraId(), Rejection.INVALID_FRAME, "image is " + image.getWidth() + "x"
                    + image.getHeight() + " but the record says " + frame.getWidth() + "x" + frame.getHeight());
            return;
        }
        String camera = frame.getCameraId();
        long captured = frame.getCaptureTime().toEpochMilli();
        FaceFrame result;
        try {
            RgbFrame rgb = RgbFrame.of(image);
            List<DetectedFace> faces = detector.detect(rgb);
            if (faces.isEmpty()) {
                framesWithoutFace.inc();
                result = FaceFrame.withoutFace(camera, frame.getSequence(), captured);
            } else {
                facesFound.inc();
                DetectedFace face = faces.get(0);
                RgbFrame crop = cropper.crop(rgb, face);
                result = FaceFrame.withFace(camera, frame.getSequence(), captured, crop.width(), crop.height(), crop.pixels());
                result.faceScore = face.score();
                result.faceX = face.x();
                result.faceY = face.y();
                result.faceWidth = face.width();
                result.faceHeight = face.height();
            }
        } catch (RuntimeException e) {
            reject(ctx, record, camera, Rejection.FACE_STAGE_ERROR, "face stage failed: " + e);
            return;
        }
        result.sourcePartition = record.partition;
        result.sourceOffset = record.offset;
        out.collect(result);
    }

    private String validate(VideoFrame frame, String key) {
        String camera = frame.getCameraId();
        if (camera == null || camera.isBlank()) {
            return "camera_id is empty";
        }
        if (key != null && !key.equals(camera)) {
            return "record key '" + key + "' differs from camera_id '" + camera + "'";
        }
        if (frame.getWidth() < 1 || frame.getHeight() < 1 || frame.getWidth() > settings.maxFrameSide()
                || frame.getHeight() > settings.maxFrameSide()) {
            return "frame size " + frame.getWidth() + "x" + frame.getHeight() + " is outside 1.." + settings.maxFrameSide();
        }
        if (frame.getEncoding() != FrameEncoding.JPEG && frame.getEncoding() != FrameEncoding.PNG) {
            return "unsupported encoding " + frame.getEncoding();
        }
        if (frame.getData() == null || !frame.getData().hasRemaining()) {
            return "no image data";
        }
        return null;
    }

    private void reject(Context ctx, KafkaFrameRecord record, String camera, String reason, String detail) {
        rejected.inc();
        ctx.output(REJECTED, Rejection.of(record, camera, reason, detail));
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }
}
