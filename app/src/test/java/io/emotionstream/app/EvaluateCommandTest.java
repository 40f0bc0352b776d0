package io.emotionstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.model.ProjectPaths;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The evaluate command end to end, through the committed model and real FER2013 validation stills (when present). */
class EvaluateCommandTest {
    private static final Path FER_VAL = ProjectPaths.sharedData().resolve("fer2013").resolve("val");
    private static final int PER_CLASS = 40;

    @TempDir
    static Path sample;

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static void needsSharedData() {
        assumeTrue(Files.isDirectory(FER_VAL), "needs ../shared/data: FER2013 val not found at " + FER_VAL);
    }

    /** A class subset of FER2013 val (no neutral, no angry) when the shared data is there. */
    @BeforeAll
    static void copySample() throws Exception {
        if (!Files.isDirectory(FER_VAL)) {
            return;
        }
        for (String label : List.of("happy", "sad", "surprised")) {
            Path target = Files.createDirectories(sample.resolve(label));
            try (Stream<Path> files = Files.list(FER_VAL.resolve(label))) {
                for (Path file : files.sorted().limit(PER_CLASS).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
    }

    @Test
    void scoresAClassSubsetAndWritesJson() throws Exception {
        needsSharedData();
        Path json = temp.resolve("figures.json");
        assertEquals(0, run("evaluate", sample.toString(), "--json", json.toString(), "--scoring-threads", "2"), err.toString());
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertEquals(3 * PER_CLASS, figures.get("count").asInt());
        for (String key : List.of("accuracy", "balanced_accuracy", "per_class", "confusion")) {
            assertTrue(figures.has(key), key);
        }
        assertEquals(0, figures.at("/per_class/neutral/support").asInt());
        assertEquals(PER_CLASS, figures.at("/per_class/happy/support").asInt());
        int predicted = 0;
        for (JsonNode row : figures.at("/confusion/matrix")) {
            for (JsonNode v : row) {
                predicted += v.asInt();
            }
        }
        assertEquals(3 * PER_CLASS, predicted);
        // far above chance (1 in 5) on real faces: the channels, frames and labels line up with training
        assertTrue(figures.get("accuracy").asDouble() > 0.6, "accuracy " + figures.get("accuracy"));
        assertTrue(out.toString().contains("confusion (rows: true class, columns: predicted)"), out.toString());
    }

    @Test
    void predictingAmongPresentClassesNeverNamesAnAbsentOne() throws Exception {
        needsSharedData();
        Path json = temp.resolve("present.json");
        assertEquals(0, run("evaluate", sample.toString(), "--present-classes-only", "--json", json.toString()));
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, figures.at("/per_class/neutral/predicted").asInt());
        assertEquals(0, figures.at("/per_class/angry/predicted").asInt());
    }

    @Test
    void evaluatesOnlyTheListedImages() throws Exception {
        needsSharedData();
        Path list = temp.resolve("list.txt");
        String first;
        try (Stream<Path> files = Files.list(sample.resolve("sad"))) {
            first = "sad/" + files.sorted().findFirst().orElseThrow().getFileName();
        }
        Files.writeString(list, "# one image\n" + first + "\n");
        Path json = temp.resolve("one.json");
        assertEquals(0, run("evaluate", sample.toString(), "--list", list.toString(), "--json", json.toString()));
        assertEquals(1, new ObjectMapper().readTree(json.toFile()).get("count").asInt());
    }

    @Test
    void judgesStillsByTheFerPlusMajority() throws Exception {
        needsSharedData();
        // the sample's stills, in a folder named after their split, and their real FER+ votes
        Path val = temp.resolve("val");
        for (String label : List.of("happy", "sad", "surprised")) {
            Path target = Files.createDirectories(val.resolve(label));
            try (Stream<Path> files = Files.list(sample.resolve(label))) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
        Path votes = FER_VAL.getParent().resolve("ferplus-votes.csv");
        Path json = temp.resolve("ferplus.json");
        assertEquals(0, run("evaluate", val.toString(), "--ferplus-votes", votes.toString(), "--json", json.toString()),
                err.toString());
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        int count = figures.get("count").asInt();
        assertTrue(count > 2 * PER_CLASS && count < 3 * PER_CLASS, "the stills with a majority: " + count);
        assertTrue(figures.at("/per_class/neutral/support").asInt() > 0,
                "some FER2013 'sad' faces are neutral by the crowd's majority");
        assertTrue(figures.get("judged_by").asText().startsWith("the FER+ majority"), figures.toString());
        assertTrue(out.toString().contains("judged by the FER+ majority"), out.toString());
    }

    @Test
    void refusesFoldersItCannotRead() throws Exception {
        assertEquals(Main.BAD_INPUT, run("evaluate", temp.resolve("absent").toString()));
        assertTrue(err.toString().contains("error: cannot read " + temp.resolve("absent") + ": not a folder"), err.toString());

        Path corrupt = Files.createDirectories(temp.resolve("corrupt").resolve("happy"));
        Files.write(corrupt.resolve("broken.png"), new byte[] {1, 2, 3, 4});
        assertEquals(Main.BAD_INPUT, run("evaluate", corrupt.getParent().toString()));
        assertTrue(err.toString().contains("cannot read image") && err.toString().contains("broken.png"), err.toString());
    }

    @Test
    void refusesBadFlags() throws Exception {
        Path one = Files.createDirectories(temp.resolve("one").resolve("happy"));
        ImageIO.write(new BufferedImage(48, 48, BufferedImage.TYPE_BYTE_GRAY), "png", one.resolve("gray.png").toFile());
        String folder = one.getParent().toString();
        assertEquals(2, run("evaluate", folder, "--batch", "zero"));
        assertEquals(Main.BAD_INPUT, run("evaluate", folder, "--batch", "0"));
        assertTrue(err.toString().contains("batch must be >= 1"), err.toString());
        assertEquals(Main.BAD_INPUT, run("evaluate", folder, "--model", temp.toString()));
        assertTrue(err.toString().contains("cannot read model descriptor"), err.toString());
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
