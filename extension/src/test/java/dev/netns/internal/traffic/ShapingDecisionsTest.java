package dev.netns.internal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Replay without root: the same seed and traffic give the same choices, whatever else passes and whatever the kernel randomises. */
class ShapingDecisionsTest {

    private static final Impairment LOSSY = Impairment.builder().loss(30).delay(Duration.ofMillis(10))
            .jitter(Duration.ofMillis(5)).duplicate(5).seed(42).build();

    @Test
    void theSameTrafficGetsTheSameChoicesDespiteUnrelatedFramesAndRandomisedHeaders() {
        List<String> first = run(new Random(1), false);
        List<String> second = run(new Random(2), true);
        assertThat(second).isEqualTo(first);
        assertThat(first.stream().filter(choice -> choice.startsWith("drop")).count()).isBetween(200L, 400L);
    }

    @Test
    void anotherSeedMakesOtherChoices() {
        ShapingDecisions a = new ShapingDecisions(LOSSY, 42);
        ShapingDecisions b = new ShapingDecisions(LOSSY, 43);
        List<Boolean> dropsA = new ArrayList<>();
        List<Boolean> dropsB = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            dropsA.add(a.decide(udp(i, 40000, 1), 60).drop());
            dropsB.add(b.decide(udp(i, 40000, 1), 60).drop());
        }
        assertThat(dropsA).isNotEqualTo(dropsB);
    }

    @Test
    void aRetransmissionGetsAFreshChance() {
        ShapingDecisions decisions = new ShapingDecisions(Impairment.builder().loss(50).seed(5).build(), 5);
        boolean deliveredOnce = false;
        for (int attempt = 0; attempt < 30 && !deliveredOnce; attempt++) {
            deliveredOnce = !decisions.decide(udp(7, 40000, 1), 60).drop();
        }
        assertThat(deliveredOnce).isTrue();
    }

    /** 1,000 numbered UDP datagrams from a random ephemeral port with random IP ids and MACs; optionally with ARP in between. */
    private static List<String> run(Random kernel, boolean unrelatedTraffic) {
        ShapingDecisions decisions = new ShapingDecisions(LOSSY, 42);
        int ephemeralPort = 32768 + kernel.nextInt(20000);
        List<String> choices = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (unrelatedTraffic && i % 7 == 0) {
                decisions.decide(arp(kernel), 42);
            }
            byte[] frame = udp(i, ephemeralPort, kernel.nextInt(65536));
            kernel.nextBytes(new byte[0]);
            frame[6] = (byte) kernel.nextInt();   // the source MAC of a fresh veth
            ShapingDecisions.Decision decision = decisions.decide(frame, frame.length);
            choices.add((decision.drop() ? "drop " : "pass ") + decision.copies() + " " + decision.delayNanos());
        }
        return choices;
    }

    private static byte[] udp(int number, int sourcePort, int ipId) {
        byte[] payload = ("datagram " + number).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] frame = new byte[42 + payload.length];
        frame[12] = 0x08;
        frame[14] = 0x45;
        int total = 28 + payload.length;
        frame[16] = (byte) (total >>> 8);
        frame[17] = (byte) total;
        frame[18] = (byte) (ipId >>> 8);
        frame[19] = (byte) ipId;
        frame[22] = 64;
        frame[23] = 17;
        frame[26] = 10;
        frame[29] = 1;
        frame[30] = 10;
        frame[33] = 2;
        frame[34] = (byte) (sourcePort >>> 8);
        frame[35] = (byte) sourcePort;
        frame[36] = 0x23;
        frame[37] = 0x28;
        System.arraycopy(payload, 0, frame, 42, payload.length);
        return frame;
    }

    private static byte[] arp(Random kernel) {
        byte[] frame = new byte[42];
        frame[12] = 0x08;
        frame[13] = 0x06;
        frame[21] = 1;
        kernel.nextBytes(frame);   // MACs and everything: unrelated to the datagrams either way
        frame[12] = 0x08;
        frame[13] = 0x06;
        return frame;
    }
}
