#!/bin/sh
# Install what the ipsec.doctor lab (tests/lab) needs on Debian 12. Idempotent; run as root.
#
# strongSwan and its tools come from apt. Libreswan conflicts with strongSwan's packages, so it is
# only downloaded and unpacked into a cache folder; the lab overlays it onto its Libreswan hosts.
set -eu

LIBRESWAN_CACHE="${IPSEC_LAB_LIBRESWAN:-/var/cache/ipsec-doctor-lab/libreswan}"

PACKAGES="charon-systemd strongswan-swanctl strongswan-starter strongswan-pki
libstrongswan-standard-plugins libcharon-extra-plugins openssh-server openssh-client python3
nftables tcpdump iputils-ping iproute2 util-linux procps libnss3-tools libunbound8 libldns3 libevent-core-2.1-7
libevent-pthreads-2.1-7 libcurl3-nss libcap-ng0 libaudit1 libldap-2.5-0 dns-root-data
bind9-host iptables"

if [ "$(id -u)" -ne 0 ]; then
    echo "lab-deps.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $pkg"
    fi
done

if [ -n "$missing" ]; then
    apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y -qq --no-install-recommends $missing
fi

if [ -x "$LIBRESWAN_CACHE/usr/libexec/ipsec/pluto" ]; then
    echo "lab-deps.sh: Libreswan already unpacked in $LIBRESWAN_CACHE"
else
    tmp="$(mktemp -d)"
    chmod 755 "$tmp"
    trap 'rm -rf "$tmp"' EXIT
    if ! (cd "$tmp" && apt-get download -qq libreswan); then
        apt-get update -qq
        (cd "$tmp" && apt-get download -qq libreswan)
    fi
    rm -rf "$LIBRESWAN_CACHE"
    mkdir -p "$LIBRESWAN_CACHE"
    dpkg -x "$tmp"/libreswan_*.deb "$LIBRESWAN_CACHE"
    echo "lab-deps.sh: Libreswan unpacked into $LIBRESWAN_CACHE"
fi

echo "lab-deps.sh: done"
