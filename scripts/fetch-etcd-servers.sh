#!/usr/bin/env bash
# Fetch the etcd 3.5 servers of the test matrix from Debian's newer suites, without touching the system's apt sources.
#
#   bash scripts/fetch-etcd-servers.sh            # every row below, into $ETCD_SERVERS_DIR (default .cache/etcd)
#   bash scripts/fetch-etcd-servers.sh 3.5.30     # one of them
#
# For each server: a private sources list whose URIs are the machine's own Debian source, a private lists directory,
# `apt-get download` of etcd-server and etcd-client at the pinned Debian version (else the suite's candidate, and it
# says so), `dpkg -x` into <cache>/<version>/, then `etcd --version` must name that version. 3.4.23 stays the system
# package (/usr/bin/etcd); test/helpers/servers.ts finds both. Nothing is fetched for a server already in the cache.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${ETCD_SERVERS_DIR:-$repo_root/.cache/etcd}"

# version  suite   pinned Debian version
servers=(
  "3.5.16 trixie 3.5.16-4"
  "3.5.30 sid 3.5.30-2"
)

say() { printf 'fetch-etcd-servers: %s\n' "$*"; }
fail() { printf 'fetch-etcd-servers: error: %s\n' "$*" >&2; exit 1; }

# The URIs of the machine's own Debian source (deb822 first, then the one-line format); never a name of our own.
debian_uris() {
  local src=/etc/apt/sources.list.d/debian.sources
  if [[ -f "$src" ]]; then
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) print $i }' "$src" | head -n 1
    return
  fi
  if [[ -f /etc/apt/sources.list ]]; then
    awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list
  fi
}

fetch_one() { # fetch_one <version> <suite> <pinned debian version>
  local version="$1" suite="$2" pinned="$3"
  local dest="$cache/$version"
  if [[ -x "$dest/usr/bin/etcd" ]] && "$dest/usr/bin/etcd" --version 2>/dev/null | grep -q "etcd Version: $version\$"; then
    say "etcd $version already in $dest"
    return
  fi
  local uri
  uri="$(debian_uris)"
  [[ -n "$uri" ]] || fail "no Debian source found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  local work
  work="$(mktemp -d)"
  mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$uri" "$suite" >"$work/sources.list"
  local apt=(apt-get -q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives" -o APT::Get::List-Cleanup=0)
  say "etcd $version: reading Debian's $suite suite"
  "${apt[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; fail "apt-get update of $suite failed"; }
  local got="$pinned"
  if ! (cd "$work/debs" && "${apt[@]}" download "etcd-server=$pinned" "etcd-client=$pinned" >"$work/download.log" 2>&1); then
    got="$("${apt[@]}" policy etcd-server 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    [[ -n "$got" && "$got" != "(none)" ]] || fail "$suite has neither etcd-server=$pinned nor a candidate"
    say "etcd $version: $pinned is gone from $suite; using the suite's candidate $got"
    rm -f "$work/debs/"*.deb
    (cd "$work/debs" && "${apt[@]}" download "etcd-server=$got" "etcd-client=$got" >"$work/download.log" 2>&1) ||
      { cat "$work/download.log" >&2; fail "apt-get download etcd-server=$got etcd-client=$got failed"; }
  fi
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  for deb in "$work/debs/"*.deb; do dpkg -x "$deb" "$dest.tmp"; done
  local reported
  reported="$("$dest.tmp/usr/bin/etcd" --version | awk '/^etcd Version:/ { print $3 }')"
  [[ "$reported" == "${got%%-*}" ]] || fail "etcd-server $got unpacked, but etcd --version says '$reported'"
  "$dest.tmp/usr/bin/etcdctl" version >/dev/null || fail "etcdctl from etcd-client $got does not run"
  if [[ "$reported" != "$version" ]]; then
    # The suite moved on: keep what it has under its own version, and say so; the matrix row names the version.
    say "etcd $version: $suite now carries $reported; stored as $cache/$reported"
    dest="$cache/$reported"
  fi
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  rm -rf "$work"
  say "etcd $reported (Debian $got from $suite) in $dest"
}

wanted=("$@")
for row in "${servers[@]}"; do
  read -r version suite pinned <<<"$row"
  if [[ ${#wanted[@]} -gt 0 && ! " ${wanted[*]} " =~ " $version " ]]; then continue; fi
  fetch_one "$version" "$suite" "$pinned"
done
