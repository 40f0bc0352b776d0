package io.emotionstream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.emotionstream.model.ClipPreprocessor;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.image.RgbFrame;
import io.emotionstream.model.ScoringOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "benchmark-models", mixinStandardHelpOptions = true,
        description = {"Measures clips/s of each model on ONNX Runtime (CPU) at the given batch sizes, the Java "
                + "preprocessing rate, and this machine's peak FLOP rate (a 1024x1024 matrix product in ONNX Runtime "
                + "with the same threads), and writes the figures as JSON.",
                "Figures are medians over rounds; the machine may be shared, so compare ratios."})
public final class ModelBenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", split = ",",
            description = "model folders (default: models/compact-r2plus1d, models/seed-3dcnn)")
    List<Path> models;

    @Option(names = "--batches", paramLabel = "N", split = ",", defaultValue = "1,8",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "7", description = "timed rounds per figure (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--round-seconds", paramLabel = "S", defaultValue = "1.0",
            description = "least time of one round (default: ${DEFAULT-VALUE})")
    double roundSeconds;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-results/model-benchmark.json",
            description = "JSON results, always the latest run; each run is also kept in a dated file in history/ next "
                    + "to it (default: ${DEFAULT-VALUE})")
    Path out;

    private PrintWriter log;

    @Override
    public Integer call() throws Exception {
        log = spec.commandLine().getErr();
        if (models == null) {
            models = List.of(ProjectPaths.defaultModel(), ProjectPaths.models().resolve("seed-3dcnn"));
        }
        BenchmarkReport report = new BenchmarkReport(out, BenchmarkReport.commandLine(spec));
        report.put("machine", machine());
        report.put("threads", threads);
        report.put("method", "median over " + rounds + " rounds of at least " + roundSeconds
                + " s; ONNX Runtime CPU on preprocessed clips (inference only); Java preprocessing timed apart");
        double peak = peakFlops();
        report.put("peak_gflops_matmul_1024", round(peak / 1e9));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path folder : models) {
            ModelDescriptor model = ModelDescriptor.load(folder);
            if (!Files.exists(model.onnxFile())) {
                log.printf("skipping %s: %s not generated (see models/README.md)%n", model.name(), model.onnxFile());
                continue;
            }
            rows.add(measure(model, peak));
        }
        report.put("models", rows);
        report.write();
        log.println("wrote " + report.canonical() + " and " + report.history());
        return 0;
    }

    /** One model's figures: preprocessing, and inference at each batch size against the machine's peak. */
    private Map<String, Object> measure(ModelDescriptor model, double peak) {
        if (model.cost() == null) {
            throw new IllegalArgumentException(model.name() + " declares no cost (parameters, flops_per_clip)");
        }
        long flops = model.cost().flopsPerClip();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", model.name());
        row.put("parameters", model.cost().parameters());
        row.put("flops_per_clip", flops);
        row.put("preprocessing_clips_per_s", round(preprocessingRate(model)));
        Map<String, Object> perBatch = new LinkedHashMap<>();
        for (int batch : batches) {
            double clipsPerSecond = inferenceRate(model, batch);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("clips_per_s", round(clipsPerSecond));
            figures.put("ms_per_clip", round(1000.0 / clipsPerSecond));
            figures.put("share_of_peak_flops", round(flops * clipsPerSecond / peak));
            perBatch.put("batch_" + batch, figures);
            log.printf("%-18s batch %2d: %9.2f clips/s, %5.1f%% of peak FLOP rate%n", model.name(), batch,
                    clipsPerSecond, 100 * flops * clipsPerSecond / peak);
        }
        row.put("onnx_runtime_cpu", perBatch);
        return row;
    }

    private double inferenceRate(ModelDescriptor model, int batch) {
        float[] values = new float[batch * model.valuesPerClip()];
        Random random = new Random(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(model, ScoringOptions.cpu(threads, batch))) {
            return batch * median(() -> classifier.classifyPreprocessed(values, batch));
        }
    }

    private double preprocessingRate(ModelDescriptor model) {
        Random random = new Random(7);
        byte[] pixels = new byte[model.width() * model.height() * 3];
        random.nextBytes(pixels);
        List<RgbFrame> clip = Collections.nCopies(model.clipLength(), new RgbFrame(model.width(), model.height(), pixels));
        ClipPreprocessor preprocessor = new ClipPreprocessor(model);
        FloatBuffer buffer = FloatBuffer.allocate(model.valuesPerClip());
        return median(() -> preprocessor.write(clip, buffer, 0));
    }

    private double peakFlops() throws OrtException {
        Path file = ProjectPaths.models().resolve("bench").resolve("matmul-1024.onnx");
        int n = 1024;
        float[] a = new float[n * n];
        Random random = new Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor left = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {n, n});
                 OnnxTensor right = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {n, n})) {
                Map<String, OnnxTensor> inputs = Map.of("a", left, "b", right);
                double runsPerSecond = median(() -> {
                    try (OrtSession.Result result = session.run(inputs)) {
                        result.get(0);
                    } catch (OrtException e) {
                        throw new IllegalStateException(e);
                    }
                });
                double flops = 2.0 * n * n * n * runsPerSecond;
                log.printf("peak: %.1f GFLOP/s (1024x1024 matrix product, %d threads)%n", flops / 1e9, threads);
                return flops;
            }
        }
    }

    /** Runs the task once to warm up, then rounds of at least roundSeconds; the median rate in runs per second. */
    private double median(Runnable task) {
        task.run();
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long started = System.nanoTime();
            long runs = 0;
            long elapsed;
            do {
                task.run();
                runs++;
                elapsed = System.nanoTime() - started;
            } while (elapsed < roundSeconds * 1e9);
            rates[r] = runs / (elapsed / 1e9);
        }
        Arrays.sort(rates);
        return rates[rounds / 2];
    }

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
