package dev.netns.internal.topology;

import dev.netns.Capture;
import dev.netns.CapturedPacket;
import dev.netns.ExecResult;
import dev.netns.FaultRun;
import dev.netns.NetNs;
import dev.netns.Program;
import dev.netns.Topology;
import dev.netns.internal.program.RunningProgram;
import dev.netns.internal.system.Tools;
import dev.netns.internal.traffic.PacketRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A readable snapshot of every namespace of a running topology: links, addresses, routes,
 * neighbours, nftables ruleset and IPv4 forwarding. Attached to failed tests.
 */
public final class StateReport {

    private StateReport() {
    }

    /** Describes {@code topology} as it is now; a namespace that cannot be read says why. */
    public static String describe(Topology topology) {
        StringBuilder text = new StringBuilder("== diagram (Mermaid)\n").append(topology.diagram());
        for (FaultRun run : topology.faultRuns()) {
            text.append("== faults (replay with FaultSchedule.builder().seed(").append(run.seed()).append("))\n")
                    .append(run.report());
        }
        for (NetNs namespace : topology.namespaces()) {
            text.append("== namespace ").append(namespace.name());
            if (namespace instanceof NamespaceHandle handle) {
                text.append(" (").append(handle.realName()).append(')');
            }
            text.append('\n');
            try {
                text.append("forwarding: ").append(namespace.call(() ->
                        Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip())).append('\n');
                section(text, "links", namespace.links());
                section(text, "addresses", namespace.addresses());
                section(text, "routes", namespace.routes());
                section(text, "neighbours", namespace.neighbours());
                text.append("nftables:\n").append(indent(ruleset(namespace)));
                if (namespace instanceof NamespaceHandle handle) {
                    programs(text, handle);
                    captures(text, handle);
                    handle.impairments().forEach(impairment -> text.append("impaired: ").append(impairment).append('\n'));
                }
            } catch (Exception e) {
                text.append("  (could not be read: ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }

    /** The programs started with {@code start()} that still run, with the end of their output. */
    private static void programs(StringBuilder text, NamespaceHandle namespace) {
        for (Program program : namespace.programs()) {
            text.append("program: ").append(program).append('\n')
                .append("  stdout:\n").append(indent(RunningProgram.tail(program.stdout())))
                .append("  stderr:\n").append(indent(RunningProgram.tail(program.stderr())));
        }
    }

    /** The captures of the namespace: their pcap files and the last packets recorded. */
    private static void captures(StringBuilder text, NamespaceHandle namespace) {
        for (Capture capture : namespace.captures()) {
            List<CapturedPacket> packets = capture.packets();
            text.append("capture: ").append(capture.file()).append(" (").append(packets.size()).append(" packets, ")
                    .append(capture.dropped()).append(" dropped");
            if (capture instanceof PacketRecorder recorder) {
                recorder.failure().ifPresent(failure -> text.append("; stopped: ").append(failure));
            }
            text.append(")\n");
            packets.subList(Math.max(0, packets.size() - 20), packets.size())
                    .forEach(packet -> text.append("  ").append(packet).append('\n'));
        }
    }

    private static String ruleset(NetNs namespace) {
        if (Tools.find("nft").isEmpty()) {
            return "(nft not installed)";
        }
        ExecResult result = namespace.exec("nft", "list", "ruleset");
        String rules = result.succeeded() ? result.stdout() : result.stderr();
        return rules.isBlank() ? "(empty)" : rules;
    }

    private static void section(StringBuilder text, String title, List<?> entries) {
        text.append(title).append(":\n");
        if (entries.isEmpty()) {
            text.append("  (none)\n");
        }
        entries.forEach(entry -> text.append("  ").append(entry).append('\n'));
    }

    private static String indent(String text) {
        StringBuilder indented = new StringBuilder();
        for (String line : text.strip().split("\n")) {
            indented.append("  ").append(line).append('\n');
        }
        return indented.toString();
    }
}
