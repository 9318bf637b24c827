#!/usr/bin/env bash
# Runs ansible-test sanity (every test, in per-test venvs) on a staged copy of the collection.
# Arguments are passed to ansible-test, e.g. file paths to limit the run, or --test pep8.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"
# shellcheck source=scripts/lib/stage.sh
source "$repo/scripts/lib/stage.sh"
dest=$(stage_collection "$repo")
cd "$dest"
trap 'stage_cleanup "$dest"' EXIT
"$IPSEC_DOCTOR_VENV/bin/ansible-test" sanity --venv --python "${IPSEC_DOCTOR_PYTHON:-3.11}" --color no "$@"
