# Shared settings of the scripts; sourced, not run.
# shellcheck shell=bash
repo=${repo:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export IPSEC_DOCTOR_CACHE=${IPSEC_DOCTOR_CACHE:-$repo/.cache}
export IPSEC_DOCTOR_VENV=${IPSEC_DOCTOR_VENV:-$repo/.venv}
export IPSEC_DOCTOR_COLLECTIONS=${IPSEC_DOCTOR_COLLECTIONS:-$IPSEC_DOCTOR_CACHE/collections}
export ANSIBLE_COLLECTIONS_PATH=$IPSEC_DOCTOR_COLLECTIONS
