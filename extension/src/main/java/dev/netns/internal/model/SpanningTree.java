package dev.netns.internal.model;

import dev.netns.internal.model.TopologyModel.BridgeSpec;
import dev.netns.internal.model.TopologyModel.EndSpec;
import dev.netns.internal.model.TopologyModel.VethSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge ports to block so that cables between spanning-tree bridges ({@code stp}) form no
 * loop: a breadth-first tree over those bridges in declaration order; a cable that would close a
 * loop has its right end blocked. Pure: reads the model only.
 */
public final class SpanningTree {

    private SpanningTree() {
    }

    /** The ports to block (netns-junit takes them down), as cable ends. */
    public static List<EndSpec> portsToBlock(TopologyModel model) {
        Set<String> stpBridges = new HashSet<>();
        model.bridges().stream().filter(BridgeSpec::stp).forEach(bridge -> stpBridges.add(bridge.name()));
        Map<String, List<VethSpec>> cablesByBridge = new LinkedHashMap<>();
        List<VethSpec> bridgeCables = new ArrayList<>();
        for (VethSpec veth : model.veths()) {
            if (veth.left().isBridgePort() && veth.right().isBridgePort()
                    && stpBridges.contains(veth.left().bridge()) && stpBridges.contains(veth.right().bridge())) {
                bridgeCables.add(veth);
                cablesByBridge.computeIfAbsent(veth.left().bridge(), key -> new ArrayList<>()).add(veth);
                cablesByBridge.computeIfAbsent(veth.right().bridge(), key -> new ArrayList<>()).add(veth);
            }
        }
        Set<String> reached = new HashSet<>();
        Set<VethSpec> treeCables = new HashSet<>();
        for (BridgeSpec root : model.bridges()) {
            if (!root.stp() || !reached.add(root.name())) {
                continue;
            }
            Deque<String> queue = new ArrayDeque<>(List.of(root.name()));
            while (!queue.isEmpty()) {
                String bridge = queue.poll();
                for (VethSpec cable : cablesByBridge.getOrDefault(bridge, List.of())) {
                    String other = cable.left().bridge().equals(bridge) ? cable.right().bridge() : cable.left().bridge();
                    if (reached.add(other)) {
                        treeCables.add(cable);
                        queue.add(other);
                    }
                }
            }
        }
        List<EndSpec> blocked = new ArrayList<>();
        for (VethSpec cable : bridgeCables) {
            if (!treeCables.contains(cable)) {
                blocked.add(cable.right());
            }
        }
        return blocked;
    }
}
