package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** diagram() names what the topology holds; script() rebuilds an equivalent topology with ip and nft. */
class PicturesIT {

    private static Topology.Builder seedScenario() {
        return Topology.builder()
                .namespace("red")
                .namespace("blue")
                .namespace("lan")
                .bridge("v-net-0", "192.168.15.5/24")
                .veth("red", "192.168.15.1/24", "v-net-0", null)
                .veth("blue", "192.168.15.2/24", "v-net-0", null)
                .veth("host:uplink", "192.168.1.1/24", "lan", "192.168.1.10/24")
                .route("blue", "default", "192.168.15.5")
                .route("lan", "192.168.15.0/24", "192.168.1.1")
                .nat("host", "192.168.15.0/24")
                .portForward("host", 8080, "192.168.15.2:80");
    }

    @Test
    void theDiagramShowsNamespacesBridgesCablesRoutesAndNat() {
        try (Topology net = seedScenario().start()) {
            String diagram = net.diagram();
            assertThat(diagram).startsWith("graph LR\n")
                    .contains("ns_red[\"<b>red</b>\"]")
                    .contains("br_v_net_0{{\"v-net-0 (bridge in host)<br/>192.168.15.5/24\"}}")
                    .contains("ns_red ---|\"eth0 192.168.15.1/24 ⟷ host:veth0\"| br_v_net_0")
                    .contains("ns_host ---|\"uplink 192.168.1.1/24 ⟷ eth0 192.168.1.10/24\"| ns_lan")
                    .contains("route default via 192.168.15.5")
                    .contains("masquerade 192.168.15.0/24")
                    .contains("tcp 8080 → 192.168.15.2:80");
        }
    }

    @Test
    void theScriptRebuildsTheSameLinksAddressesAndRoutes() throws Exception {
        boolean hadRunNetns = Files.isDirectory(Path.of("/run/netns"));
        String prefix = "njpic-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Path script = Files.createTempFile("netns-junit-script", ".sh");
        try (Topology net = seedScenario().start()) {
            Files.writeString(script, net.script());
            ExecResult up = run("env", "PREFIX=" + prefix, "sh", script.toString(), "up");
            try {
                assertThat(up.succeeded()).as(up.toString()).isTrue();
                for (NetNs namespace : net.namespaces()) {
                    String name = prefix + namespace.name();
                    assertThat(lines(run("ip", "-n", name, "-o", "-4", "addr", "show"), 1, 3))
                            .as("addresses of " + namespace.name())
                            .isEqualTo(namespace.addresses().stream().filter(a -> !a.interfaceName().equals("lo") && a.cidr().contains("."))
                                    .map(a -> a.interfaceName() + " " + a.cidr())
                                    .collect(Collectors.toCollection(TreeSet::new)));
                    assertThat(routes(run("ip", "-n", name, "route", "show")))
                            .as("routes of " + namespace.name())
                            .isEqualTo(namespace.routes().stream().filter(r -> !r.destination().contains(":")).map(RouteInfo::toString)
                                    .collect(Collectors.toCollection(TreeSet::new)));
                }
                for (NetNs namespace : net.namespaces()) {
                    assertThat(sysctls(run("ip", "netns", "exec", prefix + namespace.name(), "sysctl", "-a")))
                            .as("sysctls of " + namespace.name() + " as the script made them, against the library's")
                            .isEqualTo(sysctls(namespace.exec("sysctl", "-a")));
                }
                ExecResult ruleset = run("ip", "netns", "exec", prefix + "host", "nft", "list", "ruleset");
                assertThat(ruleset.stdout()).contains("masquerade").contains("dnat to 192.168.15.2:80");
            } finally {
                ExecResult down = run("env", "PREFIX=" + prefix, "sh", script.toString(), "down");
                assertThat(down.succeeded()).as(down.toString()).isTrue();
            }
        } finally {
            Files.deleteIfExists(script);
            if (!hadRunNetns) {
                run("sh", "-c", "[ -z \"$(ls -A /run/netns)\" ] && umount /run/netns; rmdir /run/netns");
            }
        }
        assertThat(run("ip", "netns", "list").stdout()).doesNotContain(prefix);
    }

    private static TreeSet<String> lines(ExecResult result, int first, int second) {
        TreeSet<String> set = new TreeSet<>();
        for (String line : result.stdout().split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > second && !fields[first].equals("lo")) {
                set.add(fields[first] + " " + fields[second]);
            }
        }
        return set;
    }

    /**
     * {@code sysctl -a} of a namespace, less what differs between two equal namespaces anyway: the
     * settings of each interface (their names and numbers differ), counters and per-namespace secrets.
     */
    private static TreeMap<String, String> sysctls(ExecResult result) {
        assertThat(result.stdout()).as(result.toString()).contains("net.ipv4.ip_forward");
        TreeMap<String, String> settings = new TreeMap<>();
        for (String line : result.stdout().split("\n")) {
            int equals = line.indexOf(" = ");
            if (equals < 0) {
                continue;
            }
            String key = line.substring(0, equals);
            if (key.startsWith("net.") && !VOLATILE.matcher(key).find()) {
                settings.put(key, line.substring(equals + 3));
            }
        }
        return settings;
    }

    private static final Pattern VOLATILE = Pattern.compile(
            "\\.(conf|neigh)\\.(?!all$|default$|all\\.|default\\.)|_count$|nf_conntrack_buckets|hash_seed|fastopen_key");

    /** {@code ip route} lines reduced to what RouteInfo shows: destination, gateway, device. */
    private static TreeSet<String> routes(ExecResult result) {
        TreeSet<String> set = new TreeSet<>();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = List.of(line.trim().split("\\s+"));
            String via = fields.contains("via") ? " via " + fields.get(fields.indexOf("via") + 1) : "";
            set.add(fields.get(0) + via + " dev " + fields.get(fields.indexOf("dev") + 1));
        }
        return set;
    }

    private static ExecResult run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes());
        String err = new String(process.getErrorStream().readAllBytes());
        return new ExecResult(List.of(command), process.waitFor(), out, err, false);
    }
}
