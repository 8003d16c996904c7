#!/usr/bin/python3
"""Times Mininet 2.3 (Debian's package, Linux bridges, no controller) building the shapes that
benchmarks/Benchmarks.java times for netns-junit, and prints JSON: {shape: [milliseconds, ...]}.

Run it ONLY inside `unshare --net` (scripts/run-benchmarks.sh does): Mininet creates its links in
the namespace it runs in. Its start-up would raise machine-wide sysctls (fs.file-max,
kernel.pty.max): that step is switched off here. Its cleanup (`mn -c`) kills processes by name:
it is never called; each network is stopped with net.stop().
"""
import json
import sys
import time

import mininet.net
import mininet.util
from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import LinearTopo, SingleSwitchTopo, Topo
from mininet.topolib import TorusTopo

mininet.net.fixLimits = lambda: None     # keep machine-wide sysctls untouched
mininet.util.fixLimits = lambda: None


class PairTopo(Topo):
    "Two hosts joined by a cable."

    def build(self):
        self.addLink(self.addHost('h1'), self.addHost('h2'))


def timed(build, runs, action=None):
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        net = build()
        net.start()
        if action:
            action(net)
        net.stop()
        results.append((time.perf_counter() - started) * 1000)
    return results


def network(topo, stp=False):
    return lambda: Mininet(topo=topo, switch=lambda name, **kw: LinuxBridge(name, stp=stp, **kw),
                           controller=None, autoSetMacs=True, waitConnected=stp)


def ping(first, last, patience=60):
    "Pings until the first reply, for up to `patience` seconds (a new network may need a moment)."
    def action(net):
        deadline = time.perf_counter() + patience
        while True:
            result = net.get(first).cmd('ping -c1 -W1', net.get(last).IP())
            if ' 0% packet loss' in result:
                return
            if time.perf_counter() > deadline:
                raise RuntimeError('ping %s -> %s failed: %s' % (first, last, result))
    return action


def main():
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    runs = max(3, int(10 * scale))
    setLogLevel('error')
    results = {
        'pair': timed(network(PairTopo()), runs),
        'switch3': timed(network(SingleSwitchTopo(3)), runs),
        'switch3-pingall': timed(network(SingleSwitchTopo(3)), runs, lambda net: net.pingAll(timeout=1)),
        'linear10-ping': timed(network(LinearTopo(10)), max(2, runs // 2), ping('h1', 'h10')),
        'linear50-ping': timed(network(LinearTopo(50)), max(1, runs // 5), ping('h1', 'h50')),
        'linear100-ping': timed(network(LinearTopo(100)), 1, ping('h1', 'h100')),
    }
    # a torus has loops: spanning tree, and Mininet waits until every bridge forwards
    results['torus5x5-first-ping'] = timed(network(TorusTopo(5, 5), stp=True), 1, ping('h1x1', 'h5x5'))
    net = network(PairTopo())()
    net.start()
    h1, h2 = net.get('h1'), net.get('h2')
    cmd = []
    for _ in range(max(50, int(300 * scale))):
        started = time.perf_counter()
        h1.cmd('/bin/true')
        cmd.append((time.perf_counter() - started) * 1000)
    pings = []
    for _ in range(max(20, int(100 * scale))):
        started = time.perf_counter()
        h1.cmd('ping -c1 -W1', h2.IP())
        pings.append((time.perf_counter() - started) * 1000)
    net.stop()
    results['cmd-true'] = cmd
    results['ping'] = pings
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
