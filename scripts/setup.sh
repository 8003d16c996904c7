#!/usr/bin/env bash
# Installs what netns-junit needs on a Debian machine: iproute2 (ip), nftables (nft),
# iputils-ping (ping), util-linux (nsenter), procps, and netcat-openbsd (nc) and tcpdump, which
# tests and samples use as a small server and client and to read captures. Needs root. Java 17+ and Maven must be present.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "netns-junit tests create network namespaces and need root (CAP_NET_ADMIN, CAP_SYS_ADMIN): run with sudo." >&2
  exit 1
fi

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ping >/dev/null 2>&1 || missing+=(iputils-ping)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
command -v ps >/dev/null 2>&1 || missing+=(procps)
command -v nc >/dev/null 2>&1 || missing+=(netcat-openbsd)
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing: install Java 17+ and Maven first." >&2; exit 1; }
done
