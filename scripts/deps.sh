#!/bin/sh
# Installs the Debian packages opsdeck needs to build and test, when they are missing.
# As root it runs apt-get itself; otherwise it prints the exact command to run.
set -eu

PACKAGES="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev
libyaml-dev libgit2-dev libssl-dev libcmocka-dev libmicrohttpd-dev libgnutls28-dev openssl tmux curl python3 git
prometheus clang libclang-rt-dev valgrind"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "opsdeck needs these Debian packages:$missing" >&2
	echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
