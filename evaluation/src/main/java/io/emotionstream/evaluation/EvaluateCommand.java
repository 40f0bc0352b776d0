package io.emotionstream.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.ingest.FrameEncoder;
import io.emotionstream.job.FrameRecordDeserializer;
import io.emotionstream.job.FrameLimits;
import io.emotionstream.job.PipelineOptions;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores labelled faces with a model and prints accuracy, balanced accuracy, per-class "
                + "precision and recall, the confusion matrix, the expected calibration error and the share of "
                + "uncertain clips.",
                "INPUT is either a folder of still face crops (one subfolder per class, named after the model's "
                + "labels; any subset of them): each still becomes a clip the way a still face reaches the model, "
                + "resized to the model's crop size and held still for a whole clip;",
                "or a labels file of videos (CSV with the header video,label,start_s,end_s; video paths relative to "
                + "it): every frame goes the production path, encoded as the camera agent sends it and through the "
                + "job's face stage (dlib, alignment, crop), clip assembly and scoring on a local Flink "
                + "environment; each clip lying wholly inside a labelled span counts. An optional fifth column, "
                + "person, names who each video shows (else the file name up to its first underscore); the figures "
                + "are given for all clips, per video and per person.",
                "The model, face-stage, clip and scoring flags are the job's own (see `job --help`), so what is "
                + "evaluated is what the job runs."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT",
            description = "labelled stills (e.g. ../shared/data/fer2013/val) or a video labels file "
                    + "(e.g. ../shared/data/video/labels.csv)")
    Path input;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--list", paramLabel = "FILE",
            description = "stills: evaluate only the images listed in FILE, one <class>/<file> a line (a fixed split)")
    Path list;

    @Option(names = "--present-classes-only",
            description = "stills: predict among the classes present in FOLDER only (e.g. the 4-class CK+ task) "
                    + "instead of among all the model's labels")
    boolean presentClassesOnly;

    @Option(names = "--ferplus-votes", paramLabel = "CSV",
            description = "stills: judge each FER2013 still by the majority of its FER+ crowd votes instead of its "
                    + "folder (e.g. ../shared/data/fer2013/ferplus-votes.csv; the split is the folder's name); stills "
                    + "without a majority among the model's labels are left out")
    Path ferPlusVotes;

    @Option(names = "--clips", paramLabel = "FILE",
            description = "videos: write every scored clip to a CSV (video, first and last frame, label, "
                    + "prediction, confidence, steady emotion, probabilities)")
    Path clipsFile;

    @Option(names = "--crops", paramLabel = "FILE.npy",
            description = "videos: write the face crops of every scored clip, in the order of the --clips rows, as a "
                    + "NumPy array of uint8 [clips, frames, height, width] (the model code reads it; see "
                    + "models/README.md); every frame of a clip is then looked at and cropped, as "
                    + "--crop-every-frame does")
    Path cropsFile;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "videos: parallelism of the local Flink job (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() throws Exception {
        PipelineSettings settings = pipeline.settings();
        if (cropsFile != null) {
            settings = settings.withEveryFrameCropped();
        }
        ModelDescriptor descriptor = settings.model();
        Map<String, Object> report = Files.isRegularFile(input) ? videos(settings) : stills(settings);
        if (json != null) {
            report.put("model", descriptor.name());
            report.put("model_version", descriptor.version());
            report.put("min_confidence", descriptor.minConfidence());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            spec.commandLine().getErr().println("wrote " + json);
        }
        return 0;
    }

    private Map<String, Object> stills(PipelineSettings settings) {
        ModelDescriptor descriptor = settings.model();
        if (clipsFile != null || cropsFile != null || spec.commandLine().getParseResult().hasMatchedOption("--stride")) {
            throw new IllegalArgumentException("--clips, --crops and --stride are for videos (a labels file), not still "
                    + "folders");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<String> only = list == null ? null : LabelledStills.readList(list);
        LabelledStills stills = LabelledStills.scan(input, descriptor.labels(), only);
        if (ferPlusVotes != null) {
            int before = stills.items().size();
            stills = stills.relabelled(FerPlusVotes.majorityLabels(ferPlusVotes,
                    input.toAbsolutePath().normalize().getFileName().toString(), descriptor.labels()));
            err.printf("judged by the FER+ majority: %d of %d stills have one among the model's labels%n",
                    stills.items().size(), before);
        }
        err.printf("evaluating %s %s on %d stills from %s%n", descriptor.name(), descriptor.version(),
                stills.items().size(), input);
        long started = System.nanoTime();
        StillClipEvaluation.Result result;
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(descriptor, settings.scorer().options())) {
            ProgressLine progress = new ProgressLine(err, "stills");
            result = StillClipEvaluation.run(classifier, stills, presentClassesOnly, progress::update);
            progress.finish();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%s %s on %s%s%s%n", descriptor.name(), descriptor.version(), input,
                ferPlusVotes != null ? ", judged by the FER+ majority" : "",
                presentClassesOnly ? " (predicting among the classes present only)" : "");
        out.print(result.confusion().format());
        out.print(result.confidence().format());
        out.flush();
        Map<String, Object> report = new LinkedHashMap<>(result.confusion().toMap());
        report.putAll(result.confidence().toMap());
        report.put("folder", input.normalize().toString());
        report.put("list", list == null ? null : list.toString());
        report.put("judged_by", ferPlusVotes == null ? "the folder (the original label)"
                : "the FER+ majority (" + ferPlusVotes.normalize() + ")");
        report.put("present_classes_only", presentClassesOnly);
        report.put("clip", "each still held for " + descriptor.clipLength() + " frames");
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        return report;
    }

    private Map<String, Object> videos(PipelineSettings settings) throws Exception {
        ModelDescriptor descriptor = settings.model();
        if (list != null || presentClassesOnly || ferPlusVotes != null) {
            throw new IllegalArgumentException("--list, --present-classes-only and --ferplus-votes are for still "
                    + "folders, not videos");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LabelledVideos videos = LabelledVideos.read(input, descriptor.labels());
        err.printf("evaluating %s %s on %d videos from %s (the job's path: agent encoding, face stage, clips of %d "
                        + "frames every %d)%n", descriptor.name(), descriptor.version(), videos.videos().size(), input,
                settings.clips().clipLength(), settings.clips().stride());
        long started = System.nanoTime();
        VideoClipEvaluation.Result result = VideoClipEvaluation.run(videos, settings,
                FrameEncoder.agentDefaults(), new FrameRecordDeserializer(FrameLimits.defaults()),
                parallelism, cropsFile != null, new ProgressLine(err, "frames encoded"), new ProgressLine(err, "clips"));
        double seconds = (System.nanoTime() - started) / 1e9;
        printVideoFigures(out, settings, result);
        if (clipsFile != null) {
            VideoClipEvaluation.writeClips(clipsFile, descriptor, result.clips());
            err.println("wrote " + clipsFile);
        }
        if (cropsFile != null) {
            VideoClipEvaluation.writeCrops(cropsFile, result.clips());
            err.println("wrote " + cropsFile);
        }
        Map<String, Object> report = result.all().toMap();
        report.put("labels_file", input.normalize().toString());
        report.put("videos", perVideo(result));
        Map<String, Object> perPerson = new LinkedHashMap<>();
        result.byPerson().forEach((person, figures) -> perPerson.put(person, figures.toMap()));
        report.put("persons", perPerson);
        report.put("rejected_frames", result.rejectedFrames());
        report.put("clip", "clips of " + settings.clips().clipLength() + " frames every " + settings.clips().stride()
                + " through the job's face stage and clip assembly; counted when wholly inside a labelled span");
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        return report;
    }

    /** The figures of all labelled clips, then a line per video and per person. */
    private void printVideoFigures(PrintWriter out, PipelineSettings settings, VideoClipEvaluation.Result result) {
        ModelDescriptor descriptor = settings.model();
        out.printf("%s %s on %s: clips of %d frames every %d, scored through the job's path%n", descriptor.name(),
                descriptor.version(), input, settings.clips().clipLength(), settings.clips().stride());
        for (VideoClipEvaluation.VideoCounts v : result.videos()) {
            out.printf("%-24s %6d frames at %.2f fps  %4d clips scored, %4d inside a labelled span%n", v.video(),
                    v.frames(), v.framesPerSecond(), v.clips(), v.labelledClips());
        }
        if (!result.rejectedFrames().isEmpty()) {
            out.println("frames the job rejected: " + result.rejectedFrames());
        }
        ClipFigures all = result.all();
        out.print(all.clips().format().replaceFirst("^images", "clips"));
        out.print(all.confidence().format());
        out.printf("steady emotion (the job's smoothing over the last clips): accuracy %.2f%% over %d clips%n",
                100 * all.steady().accuracy(), all.steady().total());
        int width = 12;
        for (String name : result.byVideo().keySet()) {
            width = Math.max(width, name.length());
        }
        for (String name : result.byPerson().keySet()) {
            width = Math.max(width, name.length());
        }
        int nameWidth = width;
        out.printf("%n%s", ClipFigures.formatHeader("per video", nameWidth));
        result.byVideo().forEach((video, figures) -> out.print(figures.formatRow(video, nameWidth)));
        out.printf("%n%s", ClipFigures.formatHeader("per person", nameWidth));
        result.byPerson().forEach((person, figures) -> out.print(figures.formatRow(person, nameWidth)));
        out.flush();
    }

    /** Each video's counts and figures, for JSON. */
    private static List<Map<String, Object>> perVideo(VideoClipEvaluation.Result result) {
        List<Map<String, Object>> perVideo = new ArrayList<>();
        for (VideoClipEvaluation.VideoCounts v : result.videos()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("video", v.video());
            m.put("person", v.person());
            m.put("frames", v.frames());
            m.put("frames_per_second", v.framesPerSecond());
            m.put("clips", v.clips());
            m.put("labelled_clips", v.labelledClips());
            ClipFigures figures = result.byVideo().get(v.video());
            if (figures != null) {
                m.put("figures", figures.toMap());
            }
            perVideo.add(m);
        }
        return perVideo;
    }
}
