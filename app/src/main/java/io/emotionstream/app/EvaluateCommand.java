package io.emotionstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.model.ModelDescriptor;
import io.emotionstream.model.OnnxClipClassifier;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.model.ScoringOptions;
import io.emotionstream.model.eval.ConfusionMatrix;
import io.emotionstream.model.eval.LabelledStills;
import io.emotionstream.model.eval.StillClipEvaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores a folder of labelled still face crops (one subfolder per class, named after the "
                + "model's labels; any subset of them) and prints accuracy, balanced accuracy, per-class precision "
                + "and recall, and the confusion matrix.",
                "Each still becomes a clip the way a still face reaches the model: resized to the model's crop size "
                + "and held still for a whole clip."})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FOLDER", description = "labelled stills, e.g. ../shared/data/fer2013/val")
    Path folder;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder with model.json (default: ${DEFAULT-VALUE})")
    Path model = ProjectPaths.defaultModel();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--list", paramLabel = "FILE",
            description = "evaluate only the images listed in FILE, one <class>/<file> a line (a fixed split)")
    Path list;

    @Option(names = "--present-classes-only",
            description = "predict among the classes present in FOLDER only (e.g. the 4-class CK+ task) instead of "
                    + "among all the model's labels")
    boolean presentClassesOnly;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "clips per ONNX run (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads, 0 for all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "CPU",
            description = "CPU or CUDA (falls back to CPU, with a warning, where CUDA cannot be used; default: ${DEFAULT-VALUE})")
    ScoringOptions.Device device;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelDescriptor descriptor = ModelDescriptor.load(model);
        Set<String> only = list == null ? null : LabelledStills.readList(list);
        LabelledStills stills = LabelledStills.scan(folder, descriptor.labels(), only);
        err.printf("evaluating %s %s on %d stills from %s%n", descriptor.name(), descriptor.version(),
                stills.items().size(), folder);
        long started = System.nanoTime();
        ConfusionMatrix confusion;
        try (OnnxClipClassifier classifier = OnnxClipClassifier.open(descriptor,
                new ScoringOptions(device, 0, threads, batch))) {
            ProgressLine progress = new ProgressLine(err, "stills");
            confusion = StillClipEvaluation.run(classifier, stills, presentClassesOnly, progress::update);
            progress.finish();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%s %s on %s%s%n", descriptor.name(), descriptor.version(), folder,
                presentClassesOnly ? " (predicting among the classes present only)" : "");
        out.print(confusion.format());
        out.flush();
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>(confusion.toMap());
            report.put("model", descriptor.name());
            report.put("model_version", descriptor.version());
            report.put("folder", folder.toAbsolutePath().normalize().toString());
            report.put("list", list == null ? null : list.toString());
            report.put("present_classes_only", presentClassesOnly);
            report.put("clip", "each still held for " + descriptor.clipLength() + " frames");
            report.put("seconds", Math.round(seconds * 10) / 10.0);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            err.println("wrote " + json);
        }
        return 0;
    }
}
