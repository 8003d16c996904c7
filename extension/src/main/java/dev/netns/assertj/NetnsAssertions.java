package dev.netns.assertj;

import dev.netns.NetNs;
import dev.netns.history.History;

/**
 * AssertJ entry point for network behaviour. Import it next to AssertJ's own:
 *
 * <pre>{@code
 * import static dev.netns.assertj.NetnsAssertions.assertThat;
 *
 * assertThat(red).canPing(blue);
 * assertThat(red).cannotPing("192.168.1.7");
 * assertThat(red).canConnect("192.168.15.2", 80);
 * }</pre>
 *
 * <p>For behaviour that takes time to appear, wrap it in Awaitility:
 * {@code await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(red).canPing(blue));}
 */
public final class NetnsAssertions {

    private NetnsAssertions() {
    }

    /** Starts assertions on what namespace {@code actual} can reach. */
    public static NetNsAssert assertThat(NetNs actual) {
        return new NetNsAssert(actual);
    }

    /** Starts assertions on a recorded history: {@code assertThat(history).isLinearizable(Model.register())}. */
    public static HistoryAssert assertThat(History actual) {
        return new HistoryAssert(actual);
    }
}
