package dev.netns.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {

    @Test
    void theClosestKnownNameIsSuggestedOnlyForLikelyTypos() {
        assertThat(Spelling.closest("bleu", List.of("red", "blue", "host"))).contains("blue");
        assertThat(Spelling.closest("eht0", List.of("lo", "eth0", "eth1"))).contains("eth0");
        assertThat(Spelling.closest("green", List.of("red", "blue"))).isEmpty();
        assertThat(Spelling.closest("lo", List.of("lo", "eth0"))).as("the name itself is no typo").isEmpty();
        assertThat(Spelling.closest("ab", List.of("xy"))).as("short names: one edit at most").isEmpty();
        assertThat(Spelling.closest(null, List.of("red"))).isEmpty();
    }
}
