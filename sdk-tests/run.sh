#!/usr/bin/env bash
# Runs the official Intercom SDKs (Node intercom-client, Python python-intercom)
# against a real Confab server. Single entry point; installs what it needs.
#
#   sdk-tests/run.sh
#
# Environment:
#   CONFAB_BIN      use this prebuilt confab binary instead of `cargo build -p confab`
#   CARGO_TARGET_DIR  honoured when building (default: <workspace>/target)
#   HEALTH_TIMEOUT  seconds to wait for the server to become healthy (default 30)
#
# Each suite gets its own fresh server (new data dir, new random token, free port).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-30}"
START_TIME=$SECONDS

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/confab-sdk-tests.XXXXXX")"
SERVER_PID=""
SERVER_LOG=""

stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            kill "$SERVER_PID" 2>/dev/null || true
            # Give it a moment to shut down cleanly, then insist.
            for _ in $(seq 1 50); do
                kill -0 "$SERVER_PID" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

cleanup() {
    stop_server
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '==> %s\n' "$*"; }

# --- dependencies ----------------------------------------------------------

install_node_deps() {
    log "Node: installing intercom-client (sdk-tests/node)"
    command -v node >/dev/null || { echo "node is required" >&2; exit 1; }
    command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
    (
        cd "$HERE/node"
        if [[ -f package-lock.json ]]; then
            npm ci --no-audit --no-fund --loglevel=error
        else
            npm install --no-audit --no-fund --loglevel=error
        fi
    )
}

install_python_deps() {
    log "Python: installing python-intercom (sdk-tests/python/.venv)"
    command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
    local venv="$HERE/python/.venv"
    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$HERE/python/requirements.txt"
}

build_confab() {
    if [[ -n "${CONFAB_BIN:-}" ]]; then
        [[ -x "$CONFAB_BIN" ]] || { echo "CONFAB_BIN=$CONFAB_BIN is not an executable" >&2; exit 1; }
        log "Using prebuilt confab: $CONFAB_BIN"
        return
    fi
    log "Building confab (cargo build -p confab)"
    (cd "$ROOT" && cargo build --quiet -p confab)
    CONFAB_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/confab"
    [[ -x "$CONFAB_BIN" ]] || { echo "build produced no $CONFAB_BIN" >&2; exit 1; }
}

# --- server ----------------------------------------------------------------

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

random_token() {
    python3 -c 'import secrets; print("sdk_" + secrets.token_hex(20))'
}

healthy() {
    python3 - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/_confab/health", timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

show_server_log() {
    echo "----- confab server log ($SERVER_LOG) -----" >&2
    cat "$SERVER_LOG" >&2 || true
    echo "----- end of server log -----" >&2
}

# start_server NAME: starts a fresh server; sets CONFAB_URL, CONFAB_TOKEN,
# CONFAB_WORKSPACE_ID, SERVER_PID, SERVER_LOG.
start_server() {
    local name="$1" attempt port data_dir deadline
    for attempt in 1 2 3; do
        port="$(free_port)"
        data_dir="$WORK_DIR/$name-data-$attempt"
        SERVER_LOG="$WORK_DIR/$name-server-$attempt.log"
        mkdir -p "$data_dir"
        CONFAB_TOKEN="$(random_token)"
        CONFAB_URL="http://127.0.0.1:$port"
        log "Starting confab for $name on $CONFAB_URL"
        "$CONFAB_BIN" serve --listen "127.0.0.1:$port" --data-dir "$data_dir" \
            --token "$CONFAB_TOKEN" --demo >"$SERVER_LOG" 2>&1 &
        SERVER_PID=$!

        deadline=$((SECONDS + HEALTH_TIMEOUT))
        while ((SECONDS < deadline)); do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                break
            fi
            if healthy "$CONFAB_URL"; then
                CONFAB_WORKSPACE_ID="$(sed -n 's/.*Confab listening on .*(workspace \([^)]*\)).*/\1/p' "$SERVER_LOG" | head -n1)"
                export CONFAB_URL CONFAB_TOKEN CONFAB_WORKSPACE_ID
                return 0
            fi
            sleep 0.2
        done

        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "confab did not become healthy within ${HEALTH_TIMEOUT}s" >&2
            show_server_log
            stop_server
            exit 1
        fi
        # The server exited early (e.g. the port was taken in the meantime): retry.
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        echo "confab exited during start-up (attempt $attempt)" >&2
        show_server_log
    done
    echo "confab failed to start" >&2
    exit 1
}

# --- suites ----------------------------------------------------------------

run_node_suite() {
    log "Node suite (intercom-client $(node -p 'require("./node/node_modules/intercom-client/package.json").version' 2>/dev/null || echo '?'))"
    (cd "$HERE/node" && node --test --test-reporter=tap test/*.test.mjs)
}

run_python_suite() {
    log "Python suite (python-intercom $("$HERE/python/.venv/bin/python" -c 'from importlib.metadata import version; print(version("python-intercom"))'))"
    (cd "$HERE/python" && PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest -v)
}

# run_suite NAME FUNCTION: fresh server, run, stop; returns the suite's status.
run_suite() {
    local name="$1" fn="$2" rc=0
    start_server "$name"
    "$fn" || rc=$?
    if ((rc != 0)); then
        echo "$name suite failed (exit $rc); last lines of the server log:" >&2
        tail -n 40 "$SERVER_LOG" >&2 || true
    fi
    stop_server
    return "$rc"
}

cd "$HERE"
install_node_deps
install_python_deps
build_confab

node_rc=0
python_rc=0
run_suite node run_node_suite || node_rc=$?
run_suite python run_python_suite || python_rc=$?

status() { if (($1 == 0)); then echo ok; else echo "FAILED ($1)"; fi; }
log "SDK tests: node $(status "$node_rc"), python $(status "$python_rc") in $((SECONDS - START_TIME))s"
if ((node_rc != 0 || python_rc != 0)); then
    exit 1
fi
