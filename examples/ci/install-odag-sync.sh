#!/usr/bin/env bash
# Installs a portable odag-sync release into a folder, for CI jobs:
#
#   install-odag-sync.sh URL SHA256 FOLDER
#
# URL     the release tarball, odag-sync-<version>-linux-<arch>.tar.gz (https://, http:// or
#         file://; anything curl fetches)
# SHA256  its SHA-256, as in the .sha256 file published beside it. Take it from the CI settings,
#         never from the same place as the tarball: it is what makes a tampered download fail.
# FOLDER  where odag-sync goes (created when missing); put it first on PATH.
#
# ODAG_SYNC_CACHE=DIR keeps the tarball in DIR (as <SHA256>.tar.gz) and reuses it, for a CI cache.
# A cached tarball is checked like a download, so a cache that a pull request could write can
# only make the install download again, never install something else.
#
# Exit status: 0 installed (the binary ran `odag-sync version`); 1 the download, the checksum,
# the archive or the binary failed, and nothing was installed; 64 bad arguments.
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: install-odag-sync.sh URL SHA256 FOLDER" >&2
    exit 64
fi
url=$1
expected=$(printf '%s' "$2" | tr 'A-F' 'a-f')
folder=$3
if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]]; then
    echo "install-odag-sync: \"$2\" is not a SHA-256 (64 hexadecimal digits)" >&2
    exit 64
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

checksum() { sha256sum "$1" | cut -d ' ' -f 1; }

tarball=""
cache=${ODAG_SYNC_CACHE:-}
if [ -n "$cache" ] && [ -f "$cache/$expected.tar.gz" ]; then
    if [ "$(checksum "$cache/$expected.tar.gz")" = "$expected" ]; then
        tarball="$cache/$expected.tar.gz"
        echo "install-odag-sync: using the cached $tarball" >&2
    else
        echo "install-odag-sync: the cached $cache/$expected.tar.gz does not match its SHA-256; downloading again" >&2
    fi
fi
if [ -z "$tarball" ]; then
    tarball="$work/odag-sync.tar.gz"
    curl --fail --silent --show-error --location --retry 3 --output "$tarball" "$url" || {
        echo "install-odag-sync: cannot download $url" >&2
        exit 1
    }
    actual=$(checksum "$tarball")
    if [ "$actual" != "$expected" ]; then
        echo "install-odag-sync: refused $url: its SHA-256 is $actual, not the expected $expected" >&2
        exit 1
    fi
    if [ -n "$cache" ]; then
        mkdir -p "$cache" && cp "$tarball" "$cache/$expected.tar.gz.$$" && mv -f "$cache/$expected.tar.gz.$$" "$cache/$expected.tar.gz"
    fi
fi

# The archive holds one folder, odag-sync-<version>-linux-<arch>/, with odag-sync and LICENSE.
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked" --no-same-owner || {
    echo "install-odag-sync: $url is not a gzip tar archive" >&2
    exit 1
}
shopt -s nullglob
binaries=("$work"/unpacked/odag-sync-*/odag-sync)
if [ "${#binaries[@]}" -ne 1 ] || [ ! -f "${binaries[0]}" ] || [ -L "${binaries[0]}" ]; then
    echo "install-odag-sync: $url does not hold one odag-sync-<version>-linux-<arch>/odag-sync" >&2
    exit 1
fi
# Run it before installing, so a binary for another architecture or a broken one replaces nothing.
version=$("${binaries[0]}" version) || {
    echo "install-odag-sync: the odag-sync in $url does not run on this machine" >&2
    exit 1
}

mkdir -p "$folder"
install -m 0755 "${binaries[0]}" "$folder/.odag-sync.$$"
mv -f "$folder/.odag-sync.$$" "$folder/odag-sync"
echo "install-odag-sync: installed $folder/odag-sync ($version)" >&2
