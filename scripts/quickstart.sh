#!/usr/bin/env bash
# Set up Capuchin on this machine, then solve the bundled demo bug end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/capuchin demo "$@"
