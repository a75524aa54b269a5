#!/usr/bin/env bash
# The test sandbox's host side, idempotent: docker.io + debootstrap installed, dockerd
# answering (started in the background when its socket does not), and the base images
# (Debian minbase + Python, built offline by debootstrap) present in the engine. Images
# persist in the engine, so a re-run on the same machine only checks they exist.
# Needs the virtualenv at .venv (scripts/setup.sh makes it). Run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
LOG="${CAPUCHIN_DOCKERD_LOG:-/var/log/capuchin-dockerd.log}"

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi

engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! engine_answers; then
  say "starting dockerd in the background (log: $LOG)"
  # a dead daemon can leave its pid file behind, and dockerd refuses to start over it
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    $SUDO rm -f /var/run/docker.pid
  fi
  $SUDO sh -c "nohup dockerd >>'$LOG' 2>&1 &"
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 1
  done
  engine_answers || { echo "dockerd did not answer within 60 s; see $LOG" >&2; tail -20 "$LOG" >&2 || true; exit 1; }
fi
say "Docker engine $(docker version --format '{{.Server.Version}}') answers"

if [ ! -x .venv/bin/capuchin ]; then
  echo "no .venv/bin/capuchin: run scripts/setup.sh first" >&2
  exit 1
fi
say "building or finding the sandbox base images"
.venv/bin/capuchin sandbox base
