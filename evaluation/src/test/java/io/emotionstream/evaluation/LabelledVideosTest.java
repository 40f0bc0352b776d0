package io.emotionstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledVideosTest {
    private static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "surprised");

    @TempDir
    Path folder;

    @Test
    void readsSpansPerVideoRelativeToTheLabelsFile() throws Exception {
        Files.createDirectories(folder.resolve("clips"));
        Files.write(folder.resolve("clips/a.mp4"), new byte[] {1});
        Files.write(folder.resolve("b.mp4"), new byte[] {1});
        Path labels = Files.writeString(folder.resolve("labels.csv"), String.join("\n",
                "video,label,start_s,end_s", "# a comment", "clips/a.mp4,happy,5,9.5", "b.mp4,neutral,0,30",
                "clips/a.mp4,neutral,0,5", ""));
        LabelledVideos videos = LabelledVideos.read(labels, LABELS);
        assertEquals(2, videos.videos().size());
        LabelledVideos.Video a = videos.videos().get(0);
        assertEquals(folder.resolve("clips/a.mp4").toAbsolutePath(), a.file());
        assertEquals(List.of(0.0, 5.0), a.spans().stream().map(LabelledVideos.Span::startSeconds).toList());
        assertEquals(0, a.labelOf(0, 1.2));
        assertEquals(1, a.labelOf(5, 6.2));
        assertEquals(-1, a.labelOf(4.4, 5.6), "a clip across two spans belongs to neither");
        assertEquals(-1, a.labelOf(9, 10.2), "nor one that runs past the last span");
        assertEquals("a", a.person(), "without a person column: the file name up to its first underscore");
    }

    @Test
    void takesThePersonOfEachVideo() throws Exception {
        Files.write(folder.resolve("M030_angry.mp4"), new byte[] {1});
        Files.write(folder.resolve("cap12.mp4"), new byte[] {1});
        Path labels = Files.writeString(folder.resolve("labels.csv"), String.join("\n",
                "video,label,start_s,end_s,person", "M030_angry.mp4,angry,0,3,M030", "cap12.mp4,neutral,0,5,man",
                "cap12.mp4,happy,5,9,man", ""));
        List<LabelledVideos.Video> videos = LabelledVideos.read(labels, LABELS).videos();
        assertEquals(List.of("M030", "man"), videos.stream().map(LabelledVideos.Video::person).toList());
        assertEquals("M030", LabelledVideos.defaultPerson("mead/M030_angry.mp4"));
        assertEquals("cap12", LabelledVideos.defaultPerson("cap12.mp4"));
        assertTrue(refused("video,label,start_s,end_s,person\ncap12.mp4,neutral,0,5,man\ncap12.mp4,sad,6,8,woman\n")
                .contains("person 'woman' of cap12.mp4 differs from 'man'"));
        assertTrue(refused("video,label,start_s,end_s,person\ncap12.mp4,neutral,0,5\n")
                .contains("expected 5 fields"));
    }

    @Test
    void refusesWhatItCannotUseWithTheLine() throws Exception {
        Files.write(folder.resolve("a.mp4"), new byte[] {1});
        assertTrue(refused("video,label\n").contains("must start with the header line"));
        assertTrue(refused("video,label,start_s,end_s\na.mp4,happy,3\n").contains("line 2: expected 4 fields"));
        assertTrue(refused("video,label,start_s,end_s\na.mp4,joy,0,3\n").contains("label 'joy' is not one of"));
        assertTrue(refused("video,label,start_s,end_s\na.mp4,happy,3,1\n").contains("end_s 1.0 must be after start_s 3.0"));
        assertTrue(refused("video,label,start_s,end_s\na.mp4,happy,x,1\n").contains("start_s 'x' is not a number"));
        assertTrue(refused("video,label,start_s,end_s\na.mp4,happy,0,5\na.mp4,sad,4,8\n").contains("line 3: span 4.0-8.0 s"));
        assertTrue(refused("video,label,start_s,end_s\nb.mp4,happy,0,5\n").contains("names video b.mp4"));
        assertTrue(refused("video,label,start_s,end_s\n").contains("labels no video"));
    }

    private String refused(String content) throws Exception {
        Path labels = Files.writeString(folder.resolve("labels.csv"), content);
        return assertThrows(IllegalArgumentException.class, () -> LabelledVideos.read(labels, LABELS)).getMessage();
    }
}
