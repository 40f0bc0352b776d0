package io.emotionstream.bench;

import static io.emotionstream.bench.Stats.median;
import static io.emotionstream.bench.Stats.ms;
import static io.emotionstream.bench.Stats.percentile;

import io.emotionstream.face.JpegDecoder;
import io.emotionstream.image.ImageFrame;
import io.emotionstream.job.ClipGrid;
import io.emotionstream.job.FaceFinder;
import io.emotionstream.job.FaceFrame;
import io.emotionstream.job.FaceTracker;
import io.emotionstream.job.FaceTracks;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.PipelineSettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's face stage ({@link FaceFinder}) on one thread, step by step as the job runs it for one camera, over several
 * passes of the same frames (each with a fresh camera; the median pass counts): the frames the model's clips read
 * ({@link ClipGrid}) decoded, searched and cropped, the others passed over.
 */
final class FaceStageBenchmark {
    private final int faceRounds;
    private final PrintWriter log;

    FaceStageBenchmark(int faceRounds, PrintWriter log) {
        this.faceRounds = faceRounds;
        this.log = log;
    }

    /** The timings of every frame of every pass, and what the finder did. */
    private static final class Timings {
        final long[] decode;
        final long[] decodeRgb;
        final long[] locate;
        final long[] make;
        final boolean[] keyframe;
        final boolean[] looked;
        int framesWithFace;
        long fitted;
        long near;

        Timings(int count) {
            decode = new long[count];
            decodeRgb = new long[count];
            locate = new long[count];
            make = new long[count];
            keyframe = new boolean[count];
            looked = new boolean[count];
        }
    }

    /**
     * The job's face finder, step by step, as the job runs it for one camera: decode, then the faces located and
     * cropped (on keyframes the whole frame searched, dlib detection and landmarks; in between each face's landmarks
     * fitted on its box from the last frame and checked, detection near its box when the check fails), and the frame
     * made. The first pass's crops are added to {@code crops} (for the scoring benchmark).
     */
    Map<String, Object> measure(List<KafkaFrameRecord> frames, PipelineSettings settings, List<ImageFrame> crops)
            throws Exception {
        Timings t = time(frames, settings, crops);
        if (crops.isEmpty()) {
            throw new IllegalStateException("dlib found no face in the benchmark video");
        }
        return figures(frames, settings, t);
    }

    private Timings time(List<KafkaFrameRecord> frames, PipelineSettings settings, List<ImageFrame> crops)
            throws Exception {
        int n = frames.size();
        Timings t = new Timings(n * faceRounds);
        ClipGrid grid = settings.grid();
        try (FaceFinder finder = new FaceFinder(settings.model(), settings.face())) {
            for (int i = 0; i < Math.min(n, 20); i++) {
                finder.find(frames.get(i), new FaceTracks()); // warm up
            }
            long fittedBefore = finder.fittedFaces();
            long nearBefore = finder.nearSearches();
            for (int round = 0; round < faceRounds; round++) {
                FaceTracks tracks = new FaceTracks();
                for (int i = 0; i < n; i++) {
                    KafkaFrameRecord record = frames.get(i);
                    int at = round * n + i;
                    long t0 = System.nanoTime();
                    if (!grid.looksAt(record.sequence)) {
                        FaceFinder.passedOver(record);
                        t.make[at] = System.nanoTime() - t0;
                        continue;
                    }
                    ImageFrame image = finder.decode(record);
                    long t1 = System.nanoTime();
                    List<FaceTracker.TrackedFace> found = finder.locate(image, tracks, record.sequence);
                    long t2 = System.nanoTime();
                    FaceFrame frame = FaceFinder.frameOf(record, found);
                    long t3 = System.nanoTime();
                    t.looked[at] = true;
                    t.keyframe[at] = found.isEmpty() || tracks.framesSinceKeyframe == 0;
                    if (round == 0 && frame.faces.length > 0) {
                        t.framesWithFace++;
                        crops.add(ImageFrame.of(frame.faces[0].cropWidth, frame.faces[0].cropHeight,
                                frame.faces[0].cropChannels, frame.faces[0].crop));
                    }
                    t.decode[at] = t1 - t0;
                    t.locate[at] = t2 - t1;
                    t.make[at] = t3 - t2;
                }
            }
            t.fitted = (finder.fittedFaces() - fittedBefore) / faceRounds;
            t.near = (finder.nearSearches() - nearBefore) / faceRounds;
        }
        // decoding to RGB, for comparison: what the job does for a model that reads colour
        byte[] rgb = new byte[frames.get(0).width * frames.get(0).height * 3];
        for (int round = 0; round < faceRounds; round++) {
            for (int i = 0; i < n; i++) {
                KafkaFrameRecord record = frames.get(i);
                long t0 = System.nanoTime();
                JpegDecoder.decode(record.data, record.width, record.height, rgb);
                t.decodeRgb[round * n + i] = System.nanoTime() - t0;
            }
        }
        return t;
    }

    private Map<String, Object> figures(List<KafkaFrameRecord> frames, PipelineSettings settings, Timings t) {
        int n = frames.size();
        List<Long> keyframeLocate = new ArrayList<>();
        List<Long> trackedLocate = new ArrayList<>();
        List<Long> decode = new ArrayList<>();
        long[] roundNanos = new long[faceRounds];
        long[] lookedNanos = new long[faceRounds];
        int looked = 0;
        for (int at = 0; at < n * faceRounds; at++) {
            roundNanos[at / n] += t.decode[at] + t.locate[at] + t.make[at];
            if (t.looked[at]) {
                (t.keyframe[at] ? keyframeLocate : trackedLocate).add(t.locate[at]);
                decode.add(t.decode[at]);
                lookedNanos[at / n] += t.decode[at] + t.locate[at] + t.make[at];
                looked += at < n ? 1 : 0;
            }
        }
        List<Double> perRound = new ArrayList<>();
        for (long nanos : roundNanos) {
            perRound.add(Math.round(10_000.0 / (nanos / 1e6 / n)) / 10.0);
        }
        double meanMillis = median(roundNanos) / 1e6 / n; // the median pass
        double perSecond = Math.round(10_000.0 / meanMillis) / 10.0;
        double lookedMillis = median(lookedNanos) / 1e6 / looked;
        double lookedPerSecond = Math.round(10_000.0 / lookedMillis) / 10.0;
        Double tracked = trackedLocate.isEmpty() ? null : ms(percentile(trackedLocate, 50));
        KafkaFrameRecord first = frames.get(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frames", n);
        r.put("rounds", faceRounds);
        r.put("frame_size", first.width + "x" + first.height);
        r.put("median_jpeg_bytes", median(frames.stream().mapToLong(f -> f.data.length).toArray()));
        r.put("frames_looked_at", looked);
        r.put("looked_at", settings.grid().toString());
        r.put("frames_with_face", t.framesWithFace);
        r.put("keyframe_interval", settings.face().keyframeInterval());
        r.put("keyframes", keyframeLocate.size() / faceRounds);
        r.put("faces_fitted_between_keyframes", t.fitted);
        r.put("near_searches", t.near);
        r.put("median_ms_decode_jpeg", ms(percentile(decode, 50)));
        r.put("decoded_to", settings.model().readsLumaOnly() ? "gray" : "rgb");
        r.put("median_ms_decode_jpeg_to_rgb", ms(median(t.decodeRgb)));
        r.put("median_ms_keyframe_locate_and_crop", ms(percentile(keyframeLocate, 50)));
        r.put("median_ms_tracked_locate_and_crop", tracked);
        r.put("median_ms_make_frame", ms(median(t.make)));
        r.put("mean_ms_total", Math.round(meanMillis * 100) / 100.0);
        r.put("mean_ms_per_frame_looked_at", Math.round(lookedMillis * 100) / 100.0);
        r.put("face_stage_frames_per_second_per_core", perSecond);
        r.put("face_stage_frames_looked_at_per_second_per_core", lookedPerSecond);
        r.put("frames_per_second_each_round", perRound);
        log.printf("face stage, %dx%d, one thread, %d of %d frames looked at, keyframe every %d: %.2f ms a frame "
                        + "received on average, %.2f a frame looked at (decode %.2f, keyframe %.2f, between keyframes "
                        + "%.2f, %d of %d faces fitted) = %.1f frames/s received, %.1f looked at%n",
                first.width, first.height, looked, n, settings.face().keyframeInterval(), meanMillis, lookedMillis,
                ms(percentile(decode, 50)), ms(percentile(keyframeLocate, 50)),
                tracked == null ? Double.NaN : tracked, t.fitted, t.framesWithFace, perSecond, lookedPerSecond);
        return r;
    }
}
