#!/usr/bin/env bash
# Runs ansible-test sanity (every test, in per-test venvs) on a staged copy of the collection.
# Arguments are passed to ansible-test, e.g. file paths to limit the run, or --test pep8.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"
# shellcheck source=scripts/lib/stage.sh
source "$repo/scripts/lib/stage.sh"
run_staged_ansible_test "$repo" sanity "$@"
