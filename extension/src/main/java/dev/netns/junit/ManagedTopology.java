package dev.netns.junit;

import dev.netns.Topology;
import dev.netns.internal.placement.GhostPolicy;
import java.lang.System.Logger.Level;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A topology as held in a JUnit store: when JUnit closes the store (the test or class is over,
 * whatever happened), it is torn down or, by its {@link CleanupMode}, kept and explained.
 */
final class ManagedTopology implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NetnsExtension.class.getName());

    private final Topology topology;
    private final CleanupMode mode;
    private final ExtensionContext owner;
    private volatile boolean testFailed;

    ManagedTopology(Topology topology, CleanupMode mode, ExtensionContext owner) {
        this.topology = topology;
        this.mode = mode;
        this.owner = owner;
    }

    Topology topology() {
        return topology;
    }

    /** Records that a test using this topology failed (for a topology shared by a class). */
    void markFailed() {
        testFailed = true;
    }

    @Override
    public void close() {
        boolean failed = testFailed || owner.getExecutionException().isPresent();
        boolean keep = mode == CleanupMode.NEVER || (mode == CleanupMode.ON_SUCCESS && failed);
        if (!keep) {
            try {
                topology.close();
            } finally {
                String ghosts = GhostPolicy.takeReport();
                if (!ghosts.isEmpty()) {
                    owner.publishReportEntry("netns.ghosts", ghosts);
                }
            }
            return;
        }
        Map<String, String> kept = topology.keep();
        String explanation = explain(kept, failed);
        LOG.log(Level.WARNING, explanation);
        owner.publishReportEntry("netns.kept", explanation);
    }

    private String explain(Map<String, String> kept, boolean failed) {
        StringBuilder text = new StringBuilder("netns-junit kept the topology of ").append(owner.getDisplayName())
                .append(" (cleanup mode ").append(mode).append(failed ? ", it failed" : "").append("). Enter a namespace:\n");
        kept.forEach((logical, real) -> text.append("  ").append(logical).append(": ip netns exec ").append(real)
                .append(" bash    or: nsenter --net=/run/netns/").append(real).append(" bash\n"));
        text.append("Remove it:\n  ");
        kept.values().forEach(real -> text.append("ip netns del ").append(real).append("; "));
        return text.toString().strip();
    }
}
