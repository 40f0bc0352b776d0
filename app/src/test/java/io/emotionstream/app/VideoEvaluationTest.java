package io.emotionstream.app;

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
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The video evaluation end to end on a real webcam recording: the first 150 frames of the sample video, labelled by
 * time span, go through the job's path (agent encoding, dlib face stage, clip assembly, ONNX scoring) on a local
 * Flink environment.
 */
class VideoEvaluationTest {
    private static final int FRAMES = 150;

    @TempDir
    static Path folder;

    @BeforeAll
    static void cutAShortVideo() throws Exception {
        Path sample = ProjectPaths.home().resolve("samples/video/cap13_edit2.mp4");
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(sample.toFile())) {
            grabber.start();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(folder.resolve("talk.avi").toFile(),
                    grabber.getImageWidth(), grabber.getImageHeight())) {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setFrameRate(25);
                recorder.setVideoQuality(2);
                recorder.start();
                for (int i = 0; i < FRAMES; i++) {
                    Frame frame = grabber.grabImage();
                    recorder.record(frame);
                }
            }
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void scoresTheClipsInsideLabelledSpansThroughTheJobsPath() throws Exception {
        // 30-frame clips at 25 fps: 0-1.2 s, 1.2-2.4, 2.4-3.6, 3.6-4.8, 4.8-6 s; the third straddles both spans
        Path labels = Files.writeString(folder.resolve("labels.csv"),
                "video,label,start_s,end_s\ntalk.avi,neutral,0,2.4\ntalk.avi,surprised,2.5,6.0\n");
        Path json = folder.resolve("figures.json");
        Path clips = folder.resolve("clips.csv");
        Path crops = folder.resolve("crops.npy");
        assertEquals(0, run("evaluate", labels.toString(), "--json", json.toString(), "--clips", clips.toString(),
                "--crops", crops.toString(), "--scoring-threads", "1"), err.toString());

        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, figures.get("count").asInt(), "clips wholly inside a span");
        assertEquals(2, figures.at("/per_class/neutral/support").asInt());
        assertEquals(2, figures.at("/per_class/surprised/support").asInt());
        assertEquals(FRAMES, figures.at("/videos/0/frames").asInt());
        assertEquals(5, figures.at("/videos/0/clips").asInt());
        assertEquals(0, figures.get("rejected_frames").size());
        assertTrue(figures.has("expected_calibration_error"));
        int steady = figures.at("/steady/count").asInt();
        assertTrue(steady >= 1 && steady <= 4, "the steady emotion is set and judged on the labelled clips: " + steady);
        assertTrue(out.toString().contains("confusion (rows: true class, columns: predicted)"), out.toString());
        assertEquals(4, figures.at("/videos/0/figures/count").asInt(), "the video's own figures");
        assertEquals("talk", figures.at("/videos/0/person").asText(), "no person column: the file name");
        assertEquals(4, figures.at("/persons/talk/count").asInt(), "the person's figures");
        assertEquals(figures.get("accuracy").asDouble(), figures.at("/persons/talk/accuracy").asDouble());
        assertTrue(out.toString().contains("per person"), out.toString());
        assertEquals(labels.toString(), figures.get("labels_file").asText(), "the path as given, not this machine's");

        // the crops: NumPy uint8 [clips, frames, 48, 48], 30 gray 48x48 crops a clip, in the order of the rows
        byte[] npy = Files.readAllBytes(crops);
        int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        String header = new String(npy, 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '|u1'") && header.contains("'shape': (5, 30, 48, 48)"), header);
        assertEquals(0, (10 + headerLength) % 64, "the header pads the data to 64 bytes");
        assertEquals(10 + headerLength + 5 * 30 * 48 * 48, npy.length);

        List<String> rows = Files.readAllLines(clips);
        assertEquals("video,person,first_frame,last_frame,start_s,end_s,label,predicted,confidence,confident,"
                + "steady,frames_with_face,p_neutral,p_happy,p_sad,p_angry,p_surprised", rows.get(0));
        assertEquals(6, rows.size());
        for (int i = 1; i <= 5; i++) {
            String[] f = rows.get(i).split(",", -1);
            assertEquals("talk.avi", f[0]);
            assertEquals("talk", f[1]);
            assertEquals(30L * (i - 1), Long.parseLong(f[2]));
            assertEquals(30L * i - 1, Long.parseLong(f[3]));
            assertEquals(i <= 2 ? "neutral" : i == 3 ? "" : "surprised", f[6], rows.get(i));
            assertTrue(f[10].isEmpty() || List.of("neutral", "happy", "sad", "angry", "surprised").contains(f[10]),
                    rows.get(i));
            assertTrue(Integer.parseInt(f[11]) >= 24, "a face in most frames of a webcam clip: " + rows.get(i));
            double sum = 0;
            for (int p = 12; p < 17; p++) {
                sum += Double.parseDouble(f[p]);
            }
            assertEquals(1.0, sum, 1e-3);
        }
    }

    @Test
    void refusesLabelsItCannotUse() throws Exception {
        Path unknown = Files.writeString(folder.resolve("unknown.csv"), "video,label,start_s,end_s\ntalk.avi,bored,0,2\n");
        assertEquals(Main.BAD_INPUT, run("evaluate", unknown.toString()));
        assertTrue(err.toString().contains("line 2: label 'bored' is not one of the model's labels"), err.toString());

        Path missing = Files.writeString(folder.resolve("missing.csv"), "video,label,start_s,end_s\nnone.mp4,happy,0,2\n");
        assertEquals(Main.BAD_INPUT, run("evaluate", missing.toString()));
        assertTrue(err.toString().contains("names video none.mp4") && err.toString().contains("not a readable file"),
                err.toString());

        Path stills = folder.resolve("no-clips-for-stills");
        Files.createDirectories(stills.resolve("happy"));
        assertEquals(Main.BAD_INPUT, run("evaluate", stills.toString(), "--clips", folder.resolve("x.csv").toString()));
        assertTrue(err.toString().contains("--clips, --crops and --stride are for videos"), err.toString());
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
