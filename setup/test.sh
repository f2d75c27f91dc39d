#!/usr/bin/env bash
# Runs every test: installs what the machine lacks (setup/install.sh), then `mvn -B verify` at the
# repository root: unit tests (*Test, surefire) and integration tests (*IT, failsafe) against real
# gearmand processes that the tests start themselves. Extra arguments go to Maven (e.g. -o, -pl).
# Exit code: Maven's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$ROOT/setup/install.sh"
cd "$ROOT"
exec mvn -B verify "$@"
