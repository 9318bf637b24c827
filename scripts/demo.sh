#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (as root): installs what it needs, brings up the lab with a
# broken tunnel, runs the diagnose playbook against it over SSH, prints the summary and the report's
# path, and tears the lab down.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"
bash "$repo/scripts/bootstrap.sh"
cd "$repo"
PYTHONPATH="$repo/tests/lab" "$IPSEC_DOCTOR_VENV/bin/python" "$repo/scripts/lib/demo.py" "$@"
