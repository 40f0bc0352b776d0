package io.emotionstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledStillsTest {
    private static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "surprised");

    @TempDir
    Path temp;

    @Test
    void listsAnySubsetOfClasses() throws Exception {
        touch("sad/b.png");
        touch("sad/a.jpg");
        touch("happy/c.png");
        touch("happy/notes.txt");
        LabelledStills stills = LabelledStills.scan(temp, LABELS, null);
        assertEquals(List.of("happy/c.png", "sad/a.jpg", "sad/b.png"),
                stills.items().stream().map(LabelledStills.Item::relativePath).toList());
        assertArrayEquals(new int[] {1, 2}, stills.presentLabels());
        assertEquals(1, LabelledStills.scan(temp, LABELS, Set.of("sad/b.png")).items().size());
    }

    @Test
    void refusesWhatItCannotUse() throws Exception {
        assertMessage(temp.resolve("missing"), null, "not a folder");
        assertMessage(temp, null, "has no class subfolders");
        Files.createDirectories(temp.resolve("happy"));
        assertMessage(temp, null, "holds no images");
        touch("happy/a.png");
        assertMessage(temp, Set.of("happy/a.png", "happy/zz.png"), "lacks 1 listed images");
        touch("disgust/a.png");
        assertMessage(temp, null, "a class 'disgust' that the model does not know");
    }

    private void assertMessage(Path folder, Set<String> only, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelledStills.scan(folder, LABELS, only));
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    private void touch(String relative) throws Exception {
        Path file = temp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
    }
}
