package io.emotionstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.ModelException;
import io.emotionstream.model.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job's settings are built at startup, and a model that cannot be scored stops it there, with one message. */
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
    void aForeignOnnxFileIsAStartupError() throws Exception {
        Path model = Files.createDirectory(temp.resolve("model"));
        Files.copy(ProjectPaths.defaultModel().resolve("model.json"), model.resolve("model.json"));
        Files.write(model.resolve("model.onnx"), "weights of some other model".getBytes());
        JobCommand job = new JobCommand();
        new CommandLine(job).parseArgs("--model", model.toString());
        ModelException e = assertThrows(ModelException.class, job::pipelineSettings);
        assertTrue(e.getMessage().contains("is not the ONNX file that compact-r2plus1d"), e.getMessage());
    }
}
