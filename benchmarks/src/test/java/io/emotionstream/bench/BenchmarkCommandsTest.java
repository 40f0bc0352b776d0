package io.emotionstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.model.ProjectPaths;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Both harnesses, cut short: they run the production classes and write figures that hold together. */
class BenchmarkCommandsTest {
    @TempDir
    Path temp;

    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void modelBenchmarkMeasuresTheCommittedModel() throws Exception {
        Path json = temp.resolve("models.json");
        assertEquals(0, run(new ModelBenchmarkCommand(), "--model", ProjectPaths.defaultModel().toString(),
                "--batches", "1", "--threads", "1", "--rounds", "1", "--round-seconds", "0.05", "--out",
                json.toString()), err.toString());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertTrue(report.at("/peak_gflops_matmul_1024").asDouble() > 0, report.toString());
        JsonNode model = report.at("/models/0");
        assertEquals("compact-r2plus1d", model.at("/model").asText());
        assertTrue(model.at("/onnx_runtime_cpu/batch_1/clips_per_s").asDouble() > 0, report.toString());
        assertTrue(model.at("/preprocessing_clips_per_s").asDouble() > 0, report.toString());
        assertTrue(report.at("/command").asText().startsWith("./emotion-stream benchmark-models --model "),
                report.toString());
        // the run is kept in a dated copy next to the canonical file
        try (java.util.stream.Stream<Path> history = Files.list(temp.resolve("history"))) {
            List<Path> runs = history.filter(p -> p.getFileName().toString().matches("models-\\d{4}-.*\\.json"))
                    .toList();
            assertEquals(1, runs.size(), runs.toString());
            assertEquals(report, new ObjectMapper().readTree(runs.get(0).toFile()));
        }
    }

    @Test
    void pipelineBenchmarkRunsTheFaceStageScoringAndTheJob() throws Exception {
        Path json = temp.resolve("pipeline.json");
        assertEquals(0, run(new PipelineBenchmarkCommand(), "--frames", "40", "--face-rounds", "2", "--cameras", "1", "--warmup-seconds",
                "10", "--measure-seconds", "10", "--out", json.toString()), err.toString());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode face = report.at("/face_stage_one_thread");
        assertEquals(40, face.at("/frames").asInt());
        assertEquals("640x480", face.at("/frame_size").asText());
        // the default model reads positions 3, 11, 18 and 26 of each 30 frames: 3, 11, 18, 26 and 33 of the 40
        assertEquals(5, face.at("/frames_looked_at").asInt(), report.toString());
        assertEquals(5, face.at("/frames_with_face").asInt(), report.toString()); // the sample video shows a face
        assertTrue(face.at("/face_stage_frames_per_second_per_core").asDouble() > 0, report.toString());
        assertTrue(face.at("/face_stage_frames_looked_at_per_second_per_core").asDouble() > 0, report.toString());
        assertTrue(face.at("/keyframes").asInt() >= 1 && face.at("/keyframes").asInt() <= 5, report.toString());
        assertEquals(8, report.at("/scoring_one_thread/batch").asInt()); // the job's default batch
        assertTrue(report.at("/face_stage_frames_per_second_per_core").asDouble() > 0, report.toString());
        assertTrue(report.at("/agent_per_camera/cores_per_camera_at_25fps").asDouble() > 0, report.toString());
        JsonNode run = report.at("/capacity_25fps_replayed/0");
        assertEquals(1, run.at("/cameras").asInt());
        assertEquals(run.at("/sustained").asBoolean() ? 1 : 0, report.at("/cameras_sustained_640x480").asInt(),
                report.toString());
        assertTrue(run.at("/frames_per_s_published").asDouble() > 10, report.toString());
        assertTrue(run.at("/events_per_s").asDouble() > 0, report.toString());
    }

    /**
     * The catch-up harness, cut short: one camera, the job stopped with a savepoint for 5 s while the camera goes on,
     * then started again from it; the events of the outage are read after the restart, late, and then the job is live
     * again.
     */
    @Test
    void pipelineBenchmarkMeasuresCatchingUpAfterAnOutage() throws Exception {
        Path json = temp.resolve("catch-up.json");
        assertEquals(0, run(new PipelineBenchmarkCommand(), "--frames", "40", "--face-rounds", "1", "--cameras", "1",
                "--outage-seconds", "5", "--warmup-seconds", "10", "--measure-seconds", "20", "--out", json.toString()),
                err.toString());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode outage = report.at("/catching_up_after_an_outage/0");
        assertEquals(1, outage.at("/cameras").asInt(), report.toString());
        assertEquals(5, outage.at("/outage_seconds").asInt(), report.toString());
        JsonNode windows = outage.at("/windows");
        assertTrue(windows.size() >= 3, report.toString());
        assertTrue(windows.get(0).at("/readable_p99_ms").asLong() > 4_000,
                "the outage's clips are read after the restart, late: " + report);
        assertTrue(outage.at("/seconds_after_restart_until_p99_readable_under_1s").isNumber(),
                "back under a second within 20 s of the restart: " + report);
        assertTrue(report.at("/jvm_options").isArray(), report.toString());
    }
}
