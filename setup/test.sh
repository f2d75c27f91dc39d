#!/usr/bin/env bash
# Runs every test: installs what the machine lacks (setup/install.sh), then `mvn -B verify` at the
# repository root: unit tests (*Test, surefire) and integration tests (*IT, failsafe) against real
# gearmand processes that the tests start themselves, the documentation checks (generated references
# up to date, no broken relative link), and the component's build and tests once more against Camel 4.18 LTS
# (-Pcamel-4.18); then, if Maven passed, the fleet tests against a
# supervised fleet: a quick graceful-restart run (setup/graceful-restart.sh with GR_QUICK_JOBS jobs,
# default 100, and one restart; SKIP_GRACEFUL_RESTART=1 leaves it out) and the quick chaos soak
# (setup/soak.sh --quick, about a minute on a quiet machine; SKIP_SOAK=1 leaves it out) and the quick
# network soak (setup/soak.sh --network --quick: gearmand hosts in network namespaces, silent partitions and
# power losses under load; SKIP_NETWORK_SOAK=1 leaves it out). Extra arguments go to Maven (e.g. -o, -pl).
# Exit code: Maven's if it failed, else the first failed fleet test's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$ROOT/setup/install.sh"
cd "$ROOT"
mvn -B verify "$@"
# the component once more against Camel 4.18, the LTS (its own build directory, target/camel-4.18)
mvn -B -Pcamel-4.18 -pl components -am verify "$@"
rc=0
run() { # runs a fleet test; rc keeps the first failure's exit code
  local code=0
  bash "$@" || code=$?
  ((rc != 0)) || rc=$code
}
[[ "${SKIP_GRACEFUL_RESTART:-0}" == 1 ]] || run "$ROOT/setup/graceful-restart.sh" "${GR_QUICK_JOBS:-100}" --restarts 1
[[ "${SKIP_SOAK:-0}" == 1 ]] || run "$ROOT/setup/soak.sh" --quick
[[ "${SKIP_NETWORK_SOAK:-0}" == 1 ]] || run "$ROOT/setup/soak.sh" --network --quick
exit "$rc"
