package dev.netns.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import org.junit.jupiter.api.RepeatedTest;

/** 100 tests, each with a fresh two-namespace topology (run by the benchmark, not by the build). */
@NetnsTest
@Namespace("red")
@Namespace("blue")
@VethPair(left = "red", leftAddress = "192.168.15.1/24", right = "blue", rightAddress = "192.168.15.2/24")
public class PairTopologyTests {

    /** One of the 100 tests. */
    @RepeatedTest(100)
    void test(@Namespace("red") NetNs red) {
        assertEquals("192.168.15.1", red.address());
    }
}
