package io.emotionstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where a benchmark's figures go: its canonical file (e.g. {@code bench-results/pipeline-benchmark.json}, which the
 * docs and tooling read, always the latest run) and a dated copy in {@code history/} next to it, so every run is kept.
 * The report names the command that produced it.
 */
final class BenchmarkReport {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path canonical;
    private final Path history;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    /**
     * @param command the command line that produced the figures, written into the report
     */
    /** The command line that ran a benchmark command, as a user would type it again. */
    static String commandLine(CommandSpec spec) {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals(spec.name())) {
            args.remove(0); // run through the launcher's top command, which names the subcommand first
        }
        return String.join(" ", Stream.concat(Stream.of("./emotion-stream", spec.name()), args.stream()).toList());
    }

    BenchmarkReport(Path canonical, String command) {
        this.canonical = canonical.toAbsolutePath();
        Instant now = Instant.now();
        String name = canonical.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        this.history = this.canonical.getParent().resolve("history").resolve(stem + "-" + STAMP.format(now) + ".json");
        figures.put("date", now.toString());
        figures.put("command", command);
        // the JVM's own flags (the launcher's default compiler setting, or JAVA_OPTS), which change the figures
        figures.put("jvm_options", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X")).toList());
    }

    /** Sets a figure (in the order first set). */
    BenchmarkReport put(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    /** Writes (again) the canonical file and the run's dated copy; a run in progress writes as it goes. */
    void write() throws IOException {
        Files.createDirectories(history.getParent());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(canonical.toFile(), figures);
        json.writeValue(history.toFile(), figures);
    }

    Path canonical() {
        return canonical;
    }

    Path history() {
        return history;
    }
}
