package io.emotionstream.bench;

import static io.emotionstream.bench.Stats.median;
import static io.emotionstream.bench.Stats.ms;

import io.emotionstream.image.ImageFrame;
import io.emotionstream.job.PipelineSettings;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ScoringOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job's scoring ({@link OnnxClipClassifier}: preprocessing and ONNX Runtime) in clips/s on one thread. */
final class ScoringBenchmark {
    private final PrintWriter log;

    ScoringBenchmark(PrintWriter log) {
        this.log = log;
    }

    /** The job's classifier on clips of the crops, in batches of the job's size, on one thread. */
    Map<String, Object> measure(PipelineSettings settings, List<ImageFrame> crops) {
        ModelDescriptor model = settings.model();
        int batch = settings.scorer().maxBatch();
        List<List<ImageFrame>> clips = new ArrayList<>();
        for (int c = 0; c < batch; c++) {
            List<ImageFrame> clip = new ArrayList<>();
            for (int f = 0; f < model.clipLength(); f++) {
                clip.add(crops.get((c * model.clipLength() + f) % crops.size()));
            }
            clips.add(clip);
        }
        long[] rounds = new long[15];
        ScoringOptions options = settings.scorer().options();
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model,
                new ScoringOptions(options.device(), options.cudaDeviceId(), 1, batch))) {
            for (int i = 0; i < 20; i++) {
                classifier.classify(clips);
            }
            for (int r = 0; r < rounds.length; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    classifier.classify(clips);
                }
                rounds[r] = (System.nanoTime() - t) / 20;
            }
        }
        double clipsPerSecond = batch / (median(rounds) / 1e9);
        log.printf("scoring, one thread, batches of %d from the face stage's crops: %.0f clips/s%n", batch,
                clipsPerSecond);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("clips_per_s_per_core", Math.round(clipsPerSecond));
        r.put("median_ms_per_batch", ms(median(rounds)));
        return r;
    }
}
