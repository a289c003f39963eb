#!/usr/bin/env bash
# The whole test suite, from a fresh machine: prerequisites, upstream binaries and images, then
# every vitest project (unit, integration, conformance, e2e) in one run. The e2e project brings
# the local management cluster up itself (test/e2e/global-setup.ts, reusing one that runs).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for lib in prereqs build; do source "$REPO_ROOT/hack/lib/$lib.sh"; done

[[ $EUID -eq 0 ]] || die "run as root: the e2e tests need the local management cluster"
started=$SECONDS
install_prerequisites
build_components "${ALL_COMPONENTS[@]}"

cd "$REPO_ROOT"
log "==> vitest run (unit, integration, conformance, e2e)"
status=0
results="$CACHE_DIR/test-results.json"
rm -f "$results"
vitest run --project unit --project integration --project conformance --project e2e \
  --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
log "tests finished in $((SECONDS - started))s (exit $status)"
# One plain closing line that any CI reader understands, from vitest's own JSON report.
if [[ -f "$results" ]]; then
  node -e 'const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$results"
fi
exit "$status"
