#!/usr/bin/env bash
# Runs every test: installs what the machine lacks (setup/install.sh), then `mvn -B verify` at the
# repository root: unit tests (*Test, surefire) and integration tests (*IT, failsafe) against real
# gearmand processes that the tests start themselves; then, if Maven passed, the quick chaos soak
# (setup/soak.sh --quick, about a minute on a quiet machine; SKIP_SOAK=1 leaves it out). Extra
# arguments go to Maven (e.g. -o, -pl).
# Exit code: Maven's if it failed, else the soak's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$ROOT/setup/install.sh"
cd "$ROOT"
mvn -B verify "$@"
if [[ "${SKIP_SOAK:-0}" != 1 ]]; then
  exec bash "$ROOT/setup/soak.sh" --quick
fi
