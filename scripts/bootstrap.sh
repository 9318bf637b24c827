#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine (as root) for ipsec.doctor's demo and tests:
# Debian packages for the lab, the pinned venv, the collection path, and ansible-test's
# pip bootstrap provided offline. Idempotent: a second run only checks.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$repo/scripts/lib/env.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: run as root (the lab needs network namespaces and apt)" >&2
    exit 1
fi

stamp_dir="$IPSEC_DOCTOR_CACHE"
mkdir -p "$stamp_dir"

# 1. Debian packages: python venv support and everything the lab hosts run.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
if [ -f "$repo/scripts/lab-deps.sh" ]; then
    bash "$repo/scripts/lab-deps.sh"
fi

# 2. The pinned venv; rebuilt when requirements change.
req_hash=$(cat "$repo/requirements.txt" "$repo/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
if [ ! -x "$IPSEC_DOCTOR_VENV/bin/python" ] || [ "$(cat "$IPSEC_DOCTOR_VENV/.requirements-hash" 2>/dev/null)" != "$req_hash" ]; then
    echo "bootstrap: creating venv $IPSEC_DOCTOR_VENV"
    rm -rf "$IPSEC_DOCTOR_VENV"
    python3 -m venv "$IPSEC_DOCTOR_VENV"
    "$IPSEC_DOCTOR_VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
    "$IPSEC_DOCTOR_VENV/bin/pip" install -q --disable-pip-version-check -r "$repo/requirements-dev.txt"
    echo "$req_hash" >"$IPSEC_DOCTOR_VENV/.requirements-hash"
fi

# 3. ansible-test downloads get-pip from a host this machine cannot reach: serve it offline.
pip_version=$("$IPSEC_DOCTOR_VENV/bin/python" - <<'PY'
import re
from ansible_test._internal import python_requirements as pr
text = open(pr.__file__, encoding='utf-8').read()
print(re.search(r"default_packages = dict\(\s*pip='([^']+)'", text).group(1))
PY
)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
if ! ls "$cache"/pip-"$pip_version"-py3-none-any.whl >/dev/null 2>&1; then
    "$IPSEC_DOCTOR_VENV/bin/pip" download -q --disable-pip-version-check --no-deps \
        -d "$cache" "pip==$pip_version"
fi
install -m 0644 "$repo/scripts/lib/get_pip_offline.py" "$cache/get_pip_${pip_version//./_}.py"

# 4. Ansible finds the collection through a symlink farm (ansible-test needs a real copy: scripts/lib/stage.sh).
mkdir -p "$IPSEC_DOCTOR_COLLECTIONS/ansible_collections/ipsec"
ln -sfn "$repo" "$IPSEC_DOCTOR_COLLECTIONS/ansible_collections/ipsec/doctor"
echo "bootstrap: ready (venv $IPSEC_DOCTOR_VENV, ansible-test pip $pip_version offline)"
