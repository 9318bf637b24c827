#!/usr/bin/env bash
# The one test command: sets everything up on a fresh Debian 12 machine (as root), then runs
# ansible-test sanity, ansible-test units, ansible-lint (production profile) and the lab tests
# against real strongSwan and Libreswan daemons. Every stage must pass; timings are printed at the end.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"
cd "$repo" || exit 1

declare -a stage_names=() stage_results=() stage_seconds=()
overall=0

run_stage() {
    local name=$1
    shift
    printf '\n==================== %s ====================\n' "$name"
    local start=$SECONDS rc=0
    "$@" || rc=$?
    local took=$((SECONDS - start))
    stage_names+=("$name")
    stage_seconds+=("$took")
    if [ "$rc" -eq 0 ]; then
        stage_results+=("passed")
    else
        stage_results+=("FAILED (exit $rc)")
        overall=1
    fi
    printf -- '---- %s: %s in %ss\n' "$name" "${stage_results[-1]}" "$took"
    return "$rc"
}

# shellcheck disable=SC2317  # called indirectly (trap, run_stage)
summary() {
    printf '\n==================== summary ====================\n'
    local i
    for i in "${!stage_names[@]}"; do
        printf '%-22s %-18s %5ss\n' "${stage_names[$i]}" "${stage_results[$i]}" "${stage_seconds[$i]}"
    done
}
trap summary EXIT

# shellcheck disable=SC2317  # called indirectly (trap, run_stage)
lint() {
    (cd "$repo" && PATH="$IPSEC_DOCTOR_VENV/bin:$PATH" "$IPSEC_DOCTOR_VENV/bin/ansible-lint" --profile production --offline --nocolor)
}

# shellcheck disable=SC2317  # called indirectly (trap, run_stage)
lab_tests() {
    # The lab needs root; its teardown runs also on failure (see docs/lab.md).
    PYTHONPATH="$repo/tests/lab${PYTHONPATH:+:$PYTHONPATH}" \
        "$IPSEC_DOCTOR_VENV/bin/python" -m pytest -p ipsec_lab.pytest_plugin -p no:cacheprovider \
        -o addopts="" --timeout 600 "$repo/tests/lab" "$repo/tests/integration"
}

# Bootstrap failure makes every later stage meaningless: stop there.
run_stage bootstrap bash "$repo/scripts/bootstrap.sh" || exit 1
run_stage sanity bash "$repo/scripts/sanity.sh"
run_stage units bash "$repo/scripts/units.sh"
run_stage ansible-lint lint
run_stage lab-integration lab_tests
exit "$overall"
