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

    @Test
    void replayStateStaysBoundedWhateverTheTraffic() {
        ShapingDecisions decisions = new ShapingDecisions(Impairment.builder().loss(1).seed(3).build(), 3);
        for (int i = 0; i < 300_000; i++) {
            // distinct datagrams from distinct sources: every one a new flow and a new content
            byte[] frame = udp(i, 40000, i);
            frame[27] = (byte) (i >>> 16);
            frame[28] = (byte) (i >>> 8);
            frame[29] = (byte) i;
            decisions.decide(frame, frame.length);
        }
        assertThat(decisions.trackedFlows()).isLessThanOrEqualTo(ShapingDecisions.MAX_FLOWS);
    }

    @Test
    void theNthPacketOfAFlowGetsTheSameFateWhateverItCarries() {
        Impairment loss = Impairment.builder().loss(30).seed(42).build();
        ShapingDecisions first = new ShapingDecisions(loss, 42);
        ShapingDecisions second = new ShapingDecisions(loss, 42);
        Random timestamps = new Random();
        for (int sequence = 1; sequence <= 200; sequence++) {
            // ping: a fresh identifier per run, a timestamp in every payload
            byte[] a = echo(sequence, 0x1111, timestamps.nextLong());
            byte[] b = echo(sequence, 0x2222, timestamps.nextLong());
            assertThat(second.decide(b, b.length).drop()).as("echo %d", sequence)
                    .isEqualTo(first.decide(a, a.length).drop());
        }
    }

    @Test
    void controlFramesAreNeitherLostNorCountedUnlessIncluded() {
        Impairment all = Impairment.builder().loss(100).duplicate(100).corrupt(100).seed(1).build();
        ShapingDecisions ipOnly = new ShapingDecisions(all, 1);
        byte[] arp = arp(new Random(3));
        byte[] solicitation = neighbourSolicitation();
        for (int i = 0; i < 50; i++) {
            assertThat(ipOnly.decide(arp, arp.length)).isEqualTo(ShapingDecisions.Decision.PLAIN);
            assertThat(ipOnly.decide(solicitation, solicitation.length)).isEqualTo(ShapingDecisions.Decision.PLAIN);
        }
        assertThat(ipOnly.trackedFlows()).as("not counted").isZero();
        assertThat(ipOnly.decide(udp(1, 40000, 1), 60).drop()).as("IP traffic is").isTrue();

        ShapingDecisions included = new ShapingDecisions(
                Impairment.builder().loss(100).controlFrames(true).seed(1).build(), 1);
        assertThat(included.decide(arp, arp.length).drop()).isTrue();
        assertThat(included.decide(solicitation, solicitation.length).drop()).isTrue();
    }

    private static byte[] echo(int sequence, int identifier, long timestamp) {
        byte[] frame = new byte[14 + 20 + 8 + 56];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[16] = 0;
        frame[17] = (byte) (20 + 8 + 56);
        frame[22] = 64;
        frame[23] = 1;
        frame[26] = 10;
        frame[29] = 1;
        frame[30] = 10;
        frame[33] = 2;
        frame[34] = 8;
        frame[38] = (byte) (identifier >>> 8);
        frame[39] = (byte) identifier;
        frame[40] = (byte) (sequence >>> 8);
        frame[41] = (byte) sequence;
        java.nio.ByteBuffer.wrap(frame, 42, 8).putLong(timestamp);
        return frame;
    }

    private static byte[] neighbourSolicitation() {
        byte[] frame = new byte[14 + 40 + 24];
        frame[12] = (byte) 0x86;
        frame[13] = (byte) 0xdd;
        frame[14] = 0x60;
        frame[19] = 24;
        frame[20] = 58;
        frame[21] = (byte) 255;
        frame[22] = (byte) 0xfd;
        frame[37] = 1;
        frame[38] = (byte) 0xff;
        frame[39] = 2;
        frame[53] = 2;
        frame[54] = (byte) 135;
        return frame;
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
            choices.add((decision.drop() ? "drop " : "pass ") + decision.copies() + " " + decision.delayNanos(LOSSY));
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
