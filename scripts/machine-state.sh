#!/usr/bin/env bash
# Prints what tests must never change in the machine's own network namespace: named namespaces,
# interfaces, addresses, routes, nftables ruleset and IPv4 forwarding. Counters are left out.
set -u
echo "# ip netns list";            ip netns list 2>/dev/null
echo "# interfaces";               ip -o link show | awk '{print $2, $3}'
echo "# addresses";                ip -o address show | awk '{print $2, $3, $4}'
echo "# routes";                   ip route show table all 2>/dev/null
echo "# nft ruleset";              nft list ruleset 2>/dev/null
echo "# ip_forward";               cat /proc/sys/net/ipv4/ip_forward
echo "# /run/netns";               if [ -d /run/netns ]; then echo present; ls -A /run/netns; fi
