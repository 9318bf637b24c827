#!/usr/bin/env bash
# Runs ansible-test units on a staged copy of the collection, in a venv built from tests/unit/requirements.txt.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"
# shellcheck source=scripts/lib/stage.sh
source "$repo/scripts/lib/stage.sh"
run_staged_ansible_test "$repo" units "$@"
