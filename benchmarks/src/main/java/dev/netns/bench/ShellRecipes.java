package dev.netns.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tutorials' recipes as shell scripts of {@code ip} and {@code nft} commands, each with a
 * unique suffix so runs never collide. Every interface is created inside a named namespace (the
 * way the recipes are written with {@code ip -n}), so the machine's namespace is never touched;
 * the tutorials' "host" is a namespace too.
 */
final class ShellRecipes {

    /** Seed 000: two namespaces, one veth pair, addresses, up; then teardown. */
    static final String PAIR = """
            set -e
            r=bred-$1; b=bblue-$1
            ip netns add $r
            ip netns add $b
            ip -n $r link add veth-red type veth peer name veth-blue netns $b
            ip -n $r link set lo up
            ip -n $b link set lo up
            ip -n $r addr add 192.168.15.1/24 dev veth-red
            ip -n $b addr add 192.168.15.2/24 dev veth-blue
            ip -n $r link set veth-red up
            ip -n $b link set veth-blue up
            ip netns del $r
            ip netns del $b
            """;

    /** Seeds 001/004: host, red, blue, lan; bridge with address; routes; masquerade; then teardown. */
    static final String SEED = """
            set -e
            h=bhost-$1; r=bred-$1; b=bblue-$1; l=blan-$1
            for n in $h $r $b $l; do ip netns add $n; ip -n $n link set lo up; done
            ip netns exec $h sysctl -q -w net.ipv4.ip_forward=1
            ip -n $h link add v-net-0 type bridge
            ip -n $h link set v-net-0 up
            ip -n $h addr add 192.168.15.5/24 dev v-net-0
            ip -n $h link add veth-red-br type veth peer name veth-red netns $r
            ip -n $h link add veth-blue-br type veth peer name veth-blue netns $b
            ip -n $h link add eth-lan type veth peer name eth0 netns $l
            ip -n $h link set veth-red-br master v-net-0
            ip -n $h link set veth-blue-br master v-net-0
            ip -n $h link set veth-red-br up
            ip -n $h link set veth-blue-br up
            ip -n $h addr add 192.168.1.2/24 dev eth-lan
            ip -n $h link set eth-lan up
            ip -n $r addr add 192.168.15.1/24 dev veth-red
            ip -n $r link set veth-red up
            ip -n $b addr add 192.168.15.2/24 dev veth-blue
            ip -n $b link set veth-blue up
            ip -n $l addr add 192.168.1.10/24 dev eth0
            ip -n $l link set eth0 up
            ip -n $b route add 192.168.1.0/24 via 192.168.15.5
            ip -n $b route add default via 192.168.15.5
            ip netns exec $h nft add table ip nat
            ip netns exec $h nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
            ip netns exec $h nft add rule ip nat postrouting ip saddr 192.168.15.0/24 masquerade
            for n in $h $r $b $l; do ip netns del $n; done
            """;

    /**
     * Mininet's LinearTopo({@code size}) as the kernel's own floor: the same namespaces, bridges,
     * cables and addresses as {@code PeerShapes.linear}, made with as few {@code ip} processes as
     * {@code ip -batch} allows (one for the namespaces, one for the switch namespace, one per
     * host, since a batch cannot change namespace), a ping from h1 to the last host, then teardown.
     */
    static String linear(int size) {
        return """
                set -e
                n=%d; s=$1; sw=lsw-$s
                { echo "netns add $sw"; for i in $(seq 1 $n); do echo "netns add lh$i-$s"; done; } | ip -batch -
                {
                  echo "link set lo up"
                  for i in $(seq 1 $n); do
                    echo "link add s$i type bridge forward_delay 0 stp_state 0"
                    echo "link add s$i-h type veth peer name eth0 netns lh$i-$s"
                    echo "link set s$i-h master s$i"
                    echo "link set s$i-h up"
                    if [ $i -gt 1 ]; then
                      echo "link add s$i-p type veth peer name s$((i - 1))-n"
                      echo "link set s$i-p master s$i"
                      echo "link set s$((i - 1))-n master s$((i - 1))"
                      echo "link set s$i-p up"
                      echo "link set s$((i - 1))-n up"
                    fi
                    echo "link set s$i up"
                  done
                } | ip -n $sw -batch -
                for i in $(seq 1 $n); do
                  printf 'link set lo up\naddr add 10.0.%%d.%%d/8 dev eth0\nlink set eth0 up\n' $((i / 250)) $((i %% 250 + 1)) \
                    | ip -n lh$i-$s -batch -
                done
                ip netns exec lh1-$s ping -n -q -c 1 -W 10 10.0.$((n / 250)).$((n %% 250 + 1)) > /dev/null
                { echo "netns del $sw"; for i in $(seq 1 $n); do echo "netns del lh$i-$s"; done; } | ip -batch -
                """.formatted(size);
    }

    private ShellRecipes() {
    }

    static Path write(String name, String script) throws IOException {
        Path file = Files.createTempFile("netns-bench-" + name, ".sh");
        Files.writeString(file, script);
        file.toFile().deleteOnExit();
        return file;
    }

    static void run(Path script, String suffix) throws Exception {
        Process process = new ProcessBuilder("bash", script.toString(), suffix).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("shell recipe " + script + " failed:\n" + output);
        }
    }
}
