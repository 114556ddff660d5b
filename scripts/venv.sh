#!/usr/bin/env bash
# Make .venv exist and match requirements.txt, doing nothing when it already does.
#
# The venv is built with the machine's Python 3.11. A stamp file inside .venv holds the
# hash of requirements.txt that was last installed, so a repeated `make run` or
# `make test` skips pip entirely; editing requirements.txt triggers one install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
STAMP="$VENV/.requirements.sha256"

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 /usr/bin/python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    if ! python=$(find_python); then
        echo "error: factcheck needs Python 3.11 (python3.11 was not found on PATH)." >&2
        echo "       Install it (Debian/Ubuntu: apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.11." >&2
        exit 1
    fi
    echo "==> Creating $VENV with $python"
    "$python" -m venv "$VENV"
fi

want=$(sha256sum requirements.txt | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    echo "==> Installing requirements.txt into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" >"$STAMP"
fi
