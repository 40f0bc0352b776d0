package io.emotionstream.evaluation;

import io.emotionstream.ingest.CameraSpec;
import io.emotionstream.ingest.CapturedFrame;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.ingest.FrameSource;
import io.emotionstream.job.EmotionJob;
import io.emotionstream.job.FairShareSettings;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.KafkaFrameRecord;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.job.Rejection;
import io.emotionstream.job.ScoredClip;
import io.emotionstream.model.ClipOutcome;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.job.FaceClip;
import io.emotionstream.job.FaceEmotion;
import io.emotionstream.schema.SingleObject;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Scores labelled videos through the production path: every frame is encoded as the camera agent publishes it
 * (scaled, JPEG) and read by the job's own record deserializer, then the job's graph runs on a local Flink
 * environment: the face stage (dlib detection, landmarks, aligned crop), clip assembly per face and scoring,
 * exactly as deployed. Each clip that lies wholly inside a labelled span counts towards the figures; a frame's time
 * is its index over the video's frame rate.
 */
final class VideoClipEvaluation {
    /** Topic named in the records made from video files (it appears in dead letters only). */
    static final String SOURCE_TOPIC = "video-evaluation";

    /**
     * One scored clip: which video, person and frames, its true label (-1 outside every span), what the model said,
     * the face's steady emotion at that clip (null before one is set), and the face crops it was scored on (null
     * unless kept).
     */
    record ClipResult(String video, String person, long firstFrame, long lastFrame, double startSeconds,
                      double endSeconds, int truth, int framesWithFace, ClipOutcome outcome, String steady,
                      FaceClip faceClip) {}

    /** Frames read and clips scored per video. */
    record VideoCounts(String video, String person, double framesPerSecond, long frames, long clips,
                       long labelledClips) {}

    /** Figures of all labelled clips, of each video's and of each person's, the clips themselves and counts. */
    record Result(ClipFigures all, Map<String, ClipFigures> byVideo, Map<String, ClipFigures> byPerson,
                  List<ClipResult> clips, List<VideoCounts> videos, Map<String, Long> rejectedFrames) {}

    /** Frames of the videos, encoded once, and where each is in the records file. */
    private record EncodedVideos(Path file, long[] offsets, List<String> cameras, List<Double> rates, long[] frames) {}

    private VideoClipEvaluation() {}

    /**
     * @param keepCrops whether each clip's result keeps the face clip it was scored on
     */
    static Result run(LabelledVideos videos, PipelineSettings settings, FrameEncoder encoder,
                      FrameRecordDeserializer deserializer, int parallelism, boolean keepCrops,
                      ProgressLine frameProgress, ProgressLine clipProgress) throws Exception {
        Path file = Files.createTempFile("emotion-stream-video-evaluation", ".records");
        try {
            EncodedVideos encoded = encode(videos, encoder, file, frameProgress);
            List<FaceEmotion> scored = new ArrayList<>();
            Map<String, FaceClip> faceClips = keepCrops ? new HashMap<>() : null;
            Map<String, Long> rejected = new TreeMap<>();
            score(encoded, settings, deserializer, parallelism, scored, faceClips, rejected, clipProgress);
            return figures(videos, settings.model(), encoded, scored, faceClips, rejected);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Decodes each video and writes its frames, as the agent would send them, to the records file. */
    private static EncodedVideos encode(LabelledVideos videos, FrameEncoder encoder, Path file, ProgressLine progress)
            throws IOException {
        List<Long> offsets = new ArrayList<>();
        List<String> cameras = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        long[] frames = new long[videos.videos().size()];
        long position = 0;
        int done = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            for (int v = 0; v < videos.videos().size(); v++) {
                LabelledVideos.Video video = videos.videos().get(v);
                String camera = "video" + v;
                cameras.add(camera);
                // each video in its own day of event time, so that one video's frames are never late for another's
                long base = 1_000_000_000_000L + v * 86_400_000L;
                try (FrameSource source = new CameraSpec(camera, video.file().toString(), CameraSpec.Kind.VIDEO_FILE)
                        .openSource()) {
                    source.open();
                    double fps = source.frameRate();
                    if (!(fps > 0)) {
                        throw new IllegalArgumentException("cannot tell the frame rate of video " + video.file());
                    }
                    rates.add(fps);
                    CapturedFrame frame;
                    while ((frame = source.grab()) != null) {
                        long sequence = frames[v]++;
                        long captured = base + Math.round(sequence * 1000.0 / fps);
                        byte[] value = SingleObject.encode(encoder.encode(camera, sequence, captured, frame.image()));
                        offsets.add(position);
                        out.writeUTF(camera);
                        out.writeInt(value.length);
                        out.write(value);
                        position += 2 + camera.length() + 4 + value.length; // camera ids are ASCII
                        progress.count(++done);
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read video " + video.file() + ": " + e.getMessage(), e);
                }
                if (frames[v] == 0) {
                    throw new IllegalArgumentException("video " + video.file() + " has no frames");
                }
            }
        }
        progress.finish();
        long[] table = new long[offsets.size() + 1];
        for (int i = 0; i < offsets.size(); i++) {
            table[i] = offsets.get(i);
        }
        table[offsets.size()] = position;
        return new EncodedVideos(file, table, cameras, rates, frames);
    }

    /** Runs the job's graph over the records on a local Flink environment and collects what comes out. */
    private static void score(EncodedVideos encoded, PipelineSettings settings, FrameRecordDeserializer deserializer,
                              int parallelism, List<FaceEmotion> scored, Map<String, FaceClip> faceClips,
                              Map<String, Long> rejected, ProgressLine progress) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        long count = encoded.offsets().length - 1;
        DataGeneratorSource<KafkaFrameRecord> source = new DataGeneratorSource<>(
                new RecordReader(encoded.file().toString(), encoded.offsets(), deserializer), count,
                TypeInformation.of(KafkaFrameRecord.class));
        try (InMemorySink<FaceEmotion> clips = new InMemorySink<>();
             InMemorySink<Rejection> rejections = new InMemorySink<>();
             InMemorySink<FaceClip> crops = new InMemorySink<>()) {
            // one reader keeps each video's frames in order, as one Kafka partition keeps a camera's; the face
            // stage, keyed by camera, still spreads the videos over the subtasks
            // recorded videos, replayed as fast as the job takes them: no camera's rate is a flood here
            EmotionJob.Outputs outputs = EmotionJob.process(EmotionJob.frames(env, source).setParallelism(1),
                    settings.withFairShare(FairShareSettings.unlimited()));
            outputs.emotions().sinkTo(clips).name("scored-clips");
            outputs.rejected().sinkTo(rejections).name("rejections");
            if (faceClips != null) {
                outputs.clips().sinkTo(crops).name("face-clips");
            }
            JobClient job = env.executeAsync("emotion-stream-video-evaluation");
            long expected = 0;
            for (long frames : encoded.frames()) {
                expected += frames / settings.clips().stride();
            }
            CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
            while (!done.isDone()) {
                progress.update(clips.received().size(), (int) Math.max(expected, clips.received().size()));
                Thread.sleep(200);
            }
            done.get(); // the job's failure, if it failed
            scored.addAll(clips.received());
            progress.update(scored.size(), scored.size());
            progress.finish();
            for (Rejection r : rejections.received()) {
                rejected.merge(r.reason.name(), 1L, Long::sum);
            }
            if (faceClips != null) {
                for (FaceClip clip : crops.received()) {
                    faceClips.put(clipKey(clip.cameraId, clip.faceTrack, clip.firstSequence), clip);
                }
            }
        }
    }

    private static String clipKey(String camera, int faceTrack, long firstSequence) {
        return camera + "/" + faceTrack + "/" + firstSequence;
    }

    private static Result figures(LabelledVideos videos, ModelDescriptor model, EncodedVideos encoded,
                                  List<FaceEmotion> emotions, Map<String, FaceClip> faceClips,
                                  Map<String, Long> rejected) {
        ClipFigures all = new ClipFigures(model.labels());
        Map<String, ClipFigures> byVideo = new LinkedHashMap<>();
        Map<String, ClipFigures> byPerson = new TreeMap<>();
        List<ClipResult> clips = new ArrayList<>();
        long[] clipCount = new long[videos.videos().size()];
        long[] labelledCount = new long[videos.videos().size()];
        emotions.sort(Comparator.comparingInt((FaceEmotion e) -> encoded.cameras().indexOf(e.clip.cameraId))
                .thenComparingLong(e -> e.clip.firstSequence).thenComparingInt(e -> e.clip.faceTrack));
        for (FaceEmotion emotion : emotions) {
            ScoredClip clip = emotion.clip;
            int v = encoded.cameras().indexOf(clip.cameraId);
            LabelledVideos.Video video = videos.videos().get(v);
            double fps = encoded.rates().get(v);
            double start = clip.firstSequence / fps;
            double end = (clip.lastSequence + 1) / fps;
            int truth = video.labelOf(start, end);
            ClipOutcome outcome = model.outcome(clip.probabilities);
            FaceClip faceClip = faceClips == null ? null
                    : faceClips.get(clipKey(clip.cameraId, clip.faceTrack, clip.firstSequence));
            clips.add(new ClipResult(video.name(), video.person(), clip.firstSequence, clip.lastSequence, start, end,
                    truth, clip.framesUsed, outcome, emotion.steadyLabel, faceClip));
            clipCount[v]++;
            if (truth >= 0) {
                labelledCount[v]++;
                int steady = emotion.steadyLabel == null ? -1 : model.labels().indexOf(emotion.steadyLabel);
                all.add(truth, outcome, steady);
                byVideo.computeIfAbsent(video.name(), n -> new ClipFigures(model.labels())).add(truth, outcome, steady);
                byPerson.computeIfAbsent(video.person(), n -> new ClipFigures(model.labels()))
                        .add(truth, outcome, steady);
            }
        }
        List<VideoCounts> counts = new ArrayList<>();
        for (int v = 0; v < videos.videos().size(); v++) {
            LabelledVideos.Video video = videos.videos().get(v);
            counts.add(new VideoCounts(video.name(), video.person(), encoded.rates().get(v), encoded.frames()[v],
                    clipCount[v], labelledCount[v]));
        }
        return new Result(all, byVideo, byPerson, clips, counts, new LinkedHashMap<>(rejected));
    }

    /**
     * The face crops of every clip, in the order of {@link #writeClips}'s rows, as a NumPy array of uint8: [clips,
     * frames, height, width] for gray crops, with a last dimension of 3 for RGB.
     *
     * @throws IllegalStateException when a clip's crops were not kept
     */
    static void writeCrops(Path file, List<ClipResult> clips) throws IOException {
        if (clips.isEmpty()) {
            throw new IllegalStateException("no clips were scored, so there are no crops to write");
        }
        FaceClip first = clips.get(0).faceClip();
        if (first == null) {
            throw new IllegalStateException("the crops of the clips were not kept");
        }
        int clipBytes = first.crops.length;
        byte[] all = new byte[clips.size() * clipBytes];
        for (int i = 0; i < clips.size(); i++) {
            FaceClip clip = clips.get(i).faceClip();
            if (clip == null || clip.crops.length != clipBytes) {
                throw new IllegalStateException("clip " + i + " of " + clips.get(i).video() + " has no crops of the "
                        + "first clip's size");
            }
            System.arraycopy(clip.crops, 0, all, i * clipBytes, clipBytes);
        }
        int frames = first.positions.length;
        int[] shape = first.cropChannels == 1
                ? new int[] {clips.size(), frames, first.cropHeight, first.cropWidth}
                : new int[] {clips.size(), frames, first.cropHeight, first.cropWidth, first.cropChannels};
        NpyFile.writeUint8(file, shape, all);
    }

    /** The per-clip CSV: video, frames, seconds, true and predicted label, confidence, steady emotion, probabilities. */
    static void writeClips(Path file, ModelDescriptor model, List<ClipResult> clips) throws IOException {
        StringBuilder csv = new StringBuilder("video,person,first_frame,last_frame,start_s,end_s,label,predicted,"
                + "confidence,confident,steady,frames_with_face");
        for (String label : model.labels()) {
            csv.append(",p_").append(label);
        }
        csv.append('\n');
        for (ClipResult c : clips) {
            csv.append(c.video()).append(',').append(c.person()).append(',').append(c.firstFrame())
                    .append(',').append(c.lastFrame())
                    .append(',').append(String.format(java.util.Locale.ROOT, "%.3f,%.3f", c.startSeconds(), c.endSeconds()))
                    .append(',').append(c.truth() < 0 ? "" : model.labels().get(c.truth()))
                    .append(',').append(c.outcome().label())
                    .append(',').append(String.format(java.util.Locale.ROOT, "%.4f", c.outcome().confidence()))
                    .append(',').append(c.outcome().confident())
                    .append(',').append(c.steady() == null ? "" : c.steady())
                    .append(',').append(c.framesWithFace());
            for (float p : c.outcome().probabilities()) {
                csv.append(",").append(String.format(java.util.Locale.ROOT, "%.4f", p));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    }

    /** Reads frame records back from the records file by index, through the job's deserializer. */
    static final class RecordReader implements GeneratorFunction<Long, KafkaFrameRecord> {
        private final String file;
        private final long[] offsets;
        private final FrameRecordDeserializer deserializer;
        private transient RandomAccessFile in;

        RecordReader(String file, long[] offsets, FrameRecordDeserializer deserializer) {
            this.file = file;
            this.offsets = offsets;
            this.deserializer = deserializer;
        }

        @Override
        public void open(SourceReaderContext context) throws IOException {
            in = new RandomAccessFile(file, "r");
        }

        @Override
        public KafkaFrameRecord map(Long index) {
            try {
                in.seek(offsets[index.intValue()]);
                String camera = in.readUTF();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                return deserializer.read(SOURCE_TOPIC, 0, index, 0L, camera.getBytes(StandardCharsets.UTF_8), value);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read frame record " + index + " from " + file, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
