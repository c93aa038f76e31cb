#!/bin/sh
# bootstrap.sh - on a fresh Debian 12: install what netsim needs, build it,
# and run the quick-start scenario. Run from the top of the source tree.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential autoconf automake libtool pkg-config
      libgsl-dev libigraph-dev libhdf5-dev zlib1g-dev liblua5.4-dev hdf5-tools
      python3 python3-h5py python3-numpy python3-pandas python3-matplotlib
      jupyter-nbconvert python3-ipykernel parallel time
      libprotobuf-c-dev protobuf-c-compiler protobuf-compiler python3-protobuf"

missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "bootstrap: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc 2>/dev/null || echo 2)"
./netsim scripts/examples/quickstart.lua
echo "bootstrap: done; the results are in quickstart.h5 (see README, 'Reading the output')"
