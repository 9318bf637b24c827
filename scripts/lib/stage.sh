# Copies the checkout given as $1 into a new temporary ansible_collections/ipsec/doctor tree and prints its path.
# ansible-test insists on running inside a real ansible_collections/NS/NAME tree outside any other git
# work tree (a symlink is resolved and refused), so sanity and units run on a fresh copy of the tracked
# and new, not ignored, files. Each call gets its own tree, so parallel runs do not collide; the caller
# removes it (stage_cleanup).
# shellcheck shell=bash
stage_collection() {
    local repo=$1 root
    root=$(mktemp -d "${TMPDIR:-/tmp}/ipsec-doctor-stage.XXXXXX")
    local dest="$root/ansible_collections/ipsec/doctor"
    mkdir -p "$dest"
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
        [ -e "$file" ] && printf '%s\0' "$file"
    done | xargs -0 -r cp --parents -P -t "$dest")
    echo "$dest"
}

stage_cleanup() {
    local dest=$1
    case "$dest" in
        */ipsec-doctor-stage.*/ansible_collections/ipsec/doctor) rm -rf "${dest%/ansible_collections/ipsec/doctor}" ;;
    esac
}

# Runs `ansible-test SUBCOMMAND --venv ARGS...` on a staged copy and removes the copy afterwards.
run_staged_ansible_test() {
    local repo=$1 subcommand=$2 dest rc=0
    shift 2
    dest=$(stage_collection "$repo")
    (cd "$dest" && "$IPSEC_DOCTOR_VENV/bin/ansible-test" "$subcommand" --venv \
        --python "${IPSEC_DOCTOR_PYTHON:-3.11}" --color no "$@") || rc=$?
    stage_cleanup "$dest"
    return "$rc"
}
