package example;

import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import org.junit.jupiter.api.Test;

/** For scripts/check-docs.sh: impairing a link logs one INFO entry, which the documented logging configuration hides. */
@NetnsTest
@Namespace("red")
@Namespace("blue")
@VethPair(left = "red", leftAddress = "10.0.0.1/24", right = "blue", rightAddress = "10.0.0.2/24")
class LoggingProbeTest {

    @Test
    void impairingALinkLogsAtInfo(@Namespace("red") NetNs red) {
        red.link("eth0").impair(Impairment.builder().loss(1).seed(1).build());
    }
}
