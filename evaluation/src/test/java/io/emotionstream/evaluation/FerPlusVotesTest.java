package io.emotionstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerPlusVotesTest {
    private static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "surprised");
    private static final String HEADER = "split,class,file,fer_row,neutral,happiness,surprise,sadness,anger,disgust,"
            + "fear,contempt,unknown,NF";

    @TempDir
    Path folder;

    @Test
    void theMajorityLabelIsTheOneMostVotedWhenItIsOneOfTheModels() throws Exception {
        Path csv = Files.writeString(folder.resolve("votes.csv"), String.join("\n", HEADER,
                "val,sad,1.png,10,6,0,0,4,0,0,0,0,0,0",      // FER2013 said sad, the crowd neutral
                "val,angry,2.png,11,1,0,0,0,8,0,0,0,1,0",    // angry
                "val,happy,3.png,12,0,9,1,0,0,0,0,0,0,0",    // happy
                "val,sad,4.png,13,4,0,0,4,0,0,2,0,0,0",      // a tie: no majority
                "val,angry,5.png,14,2,0,0,0,1,0,6,0,1,0",    // fear: not one of the five
                "val,surprised,6.png,15,0,0,9,0,0,0,1,0,0,0",
                "train,sad,1.png,16,0,0,0,10,0,0,0,0,0,0",   // another split
                ""));
        Map<String, Integer> majority = FerPlusVotes.majorityLabels(csv, "val", LABELS);
        assertEquals(Map.of("sad/1.png", 0, "angry/2.png", 3, "happy/3.png", 1, "surprised/6.png", 4), majority);
        assertEquals(Map.of("sad/1.png", 2), FerPlusVotes.majorityLabels(csv, "train", LABELS));
    }

    @Test
    void stillsAreJudgedByTheNewLabelsAndTheOthersLeftOut() throws Exception {
        for (String file : List.of("sad/1.png", "sad/4.png", "happy/3.png")) {
            Files.createDirectories(folder.resolve("val").resolve(file).getParent());
            Files.write(folder.resolve("val").resolve(file), new byte[] {1});
        }
        LabelledStills stills = LabelledStills.scan(folder.resolve("val"), LABELS, null)
                .relabelled(Map.of("sad/1.png", 0, "happy/3.png", 1));
        assertEquals(List.of("happy/3.png:1", "sad/1.png:0"), stills.items().stream()
                .map(i -> i.relativePath() + ":" + i.label()).toList());
    }

    @Test
    void refusesAnotherFile() throws Exception {
        Path csv = Files.writeString(folder.resolve("other.csv"), "video,label\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerPlusVotes.majorityLabels(csv, "val", LABELS))
                .getMessage().contains("must start with the header split,class,file"));
        Path empty = Files.writeString(folder.resolve("empty.csv"), HEADER + "\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FerPlusVotes.majorityLabels(empty, "val", LABELS))
                .getMessage().contains("no majority label for split 'val'"));
    }
}
