package dev.netns.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.RepeatedTest;

/** The same 100 tests without topologies: the baseline of {@link PairTopologyTests}. */
public class PlainTests {

    /** One of the 100 tests. */
    @RepeatedTest(100)
    void test() {
        assertEquals("192.168.15.1", String.join(".", "192", "168", "15", "1"));
    }
}
