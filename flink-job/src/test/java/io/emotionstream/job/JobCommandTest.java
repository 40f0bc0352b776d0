package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.EmbeddedKafkaBroker;
import io.emotionstream.model.ModelException;
import io.emotionstream.model.ProjectPaths;
import io.emotionstream.schema.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job's settings are built at startup, and what cannot work (a model that cannot be scored, no landmark model,
 * Kafka out of reach or without the frames topic) stops it there, with one line and exit code 2.
 */
class JobCommandTest {
    @TempDir
    Path temp;

    @Test
    void buildsTheSettingsOfTheCommittedModel() {
        JobCommand job = new JobCommand();
        new CommandLine(job).parseArgs("--stride", "10");
        PipelineSettings settings = job.pipelineSettings();
        assertEquals(30, settings.clips().clipLength());
        assertEquals(10, settings.clips().stride());
    }

    @Test
    void aLocalCheckpointFolderIsReadableByItsOwnerOnly() throws Exception {
        Path checkpoints = temp.resolve("state/checkpoints");
        JobCommand job = new JobCommand();
        new CommandLine(job).parseArgs("--checkpoint-dir", checkpoints.toUri().toString());
        job.runSettings();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(checkpoints)), "checkpoints hold face crops");
    }

    @Test
    void aForeignOnnxFileIsAStartupError() throws Exception {
        Path model = Files.createDirectory(temp.resolve("model"));
        Files.copy(ProjectPaths.defaultModel().resolve("model.json"), model.resolve("model.json"));
        Files.write(model.resolve("model.onnx"), "weights of some other model".getBytes());
        JobCommand job = new JobCommand();
        new CommandLine(job).parseArgs("--model", model.toString());
        ModelException e = assertThrows(ModelException.class, job::pipelineSettings);
        assertTrue(e.getMessage().contains("is not the ONNX file that compact-r2plus1d"), e.getMessage());
    }

    @Test
    void anOnnxFileThatOnnxRuntimeCannotLoadIsAStartupErrorEvenWithItsChecksum() throws Exception {
        Path model = Files.createDirectory(temp.resolve("garbage"));
        byte[] garbage = "not an ONNX graph, whatever its checksum says".getBytes();
        Files.write(model.resolve("model.onnx"), garbage);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(garbage));
        String descriptor = Files.readString(ProjectPaths.defaultModel().resolve("model.json"))
                .replaceFirst("\"onnx_sha256\": \"[0-9a-f]{64}\"", "\"onnx_sha256\": \"" + sha + "\"");
        Files.writeString(model.resolve("model.json"), descriptor);
        StringWriter err = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--model", model.toString(), "-b", "127.0.0.1:1"));
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("ONNX Runtime cannot load"),
                err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    }

    @Test
    void aMissingLandmarkModelIsAStartupError() {
        JobCommand job = new JobCommand();
        new CommandLine(job).parseArgs("--landmarks", temp.resolve("absent.dat").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, job::pipelineSettings);
        assertTrue(e.getMessage().contains("cannot read dlib's landmark model"), e.getMessage());
    }

    @Test
    void unreachableKafkaEndsTheCommandWithOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        long started = System.nanoTime();
        assertEquals(2, cli.execute("-b", "127.0.0.1:1"));
        assertTrue(err.toString().startsWith("error: cannot reach Kafka at 127.0.0.1:1"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(System.nanoTime() - started < 60_000_000_000L, "gave up after its timeout");
    }

    @Test
    void aMissingTopicIsNamed() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobCommand.requireKafka(
                    KafkaSettings.defaults(broker.bootstrapServers()), Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("has no topic camera-frames"), e.getMessage());
            broker.createTopics(List.of(Topics.FRAMES.newTopic(), Topics.EMOTION_EVENTS.newTopic()));
            assertTrue(awaitCheck(broker).contains("has no topic emotion-dead-letters"), "every topic is checked");
            broker.createTopics(List.of(Topics.DEAD_LETTERS.newTopic()));
            assertEquals("", awaitCheck(broker));
        }
    }

    /**
     * The start-up check's complaint once the topics just created are visible (a new topic reaches the broker's
     * metadata a moment after its creation), or "" when it passes.
     */
    private static String awaitCheck(EmbeddedKafkaBroker broker) throws InterruptedException {
        String last = "";
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                JobCommand.requireKafka(KafkaSettings.defaults(broker.bootstrapServers()), Duration.ofSeconds(10));
                return "";
            } catch (IllegalArgumentException e) {
                last = e.getMessage();
                if (last.contains("has no topic emotion-dead-letters")) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        return last;
    }
}
