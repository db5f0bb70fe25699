#!/usr/bin/env bash
# The one test command: formatting, lints, the Rust suites on SQLite and PostgreSQL (with the
# conformance oracle on every response), and the official SDK suites. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests on SQLite"
env -u CONFAB_TEST_DATABASE_URL cargo test --workspace --locked

pg_url="${CONFAB_TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  pg_url="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "$pg_url" ]; then
  step "tests on PostgreSQL ($pg_url)"
  CONFAB_TEST_DATABASE_URL="$pg_url" cargo test --locked -p confab-testkit -p confab-store
else
  echo "warning: no PostgreSQL (set CONFAB_TEST_DATABASE_URL); PostgreSQL suite skipped" >&2
fi

step "official SDK suites"
bash sdk-tests/run.sh
