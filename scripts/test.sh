#!/usr/bin/env bash
# The project's test command (README): the whole suite on SQLite, then the end-to-end suites that
# make sense on PostgreSQL again, on a PostgreSQL server.
#
# The PostgreSQL pass uses TOBA_TEST_POSTGRES_URL when it is set (a role that may create
# databases), else starts a private cluster with scripts/pg-cluster.sh when PostgreSQL's server
# programs are installed (and stops it at exit). Without either it is skipped with a note, unless
# TOBA_REQUIRE_POSTGRES=1 (CI), which makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
echo "== SQLite: the whole suite =="
swift test --skip-build --no-parallel

# Suites that run again on PostgreSQL: every in-process rule test (TestDatabase then opens a fresh
# PostgreSQL database), every domain's flows through the binary, ordering, connection loss and the
# multi-process invariants. The rest test SQLite files, the transport or the command line, which
# the engine does not change.
postgres_suites='TobaDomainTests|TobaStoreTests\.PostgreSQLConnectionTests|EndToEndTests\.(AccountLimitsTests|AccountTakeoverTests|AdminMethodBindingTests|ArrivalOrderModelTests|CommerceConcurrencyTests|CommerceExampleTests|CommerceNotifyTrustTests|CommerceSmokeTests|ContentLandingTests|ContentTests|DeviceTests|ErrorCatalogTests|StrictValueTests|ExamplesTests|MethodFuzzTests|MultiProcessInvariantTests|OrderingTests|PostgreSQL[A-Za-z]*Tests|SecretsNotLoggedTests|SessionTests|SmokeTests|SocialExampleTests|SocialTests|VoucherConcurrencyTests)'

cluster=""
cleanup() {
  if [ -n "$cluster" ]; then
    scripts/pg-cluster.sh stop "$cluster"
  elif [ -n "${TOBA_TEST_POSTGRES_URL:-}" ]; then
    # A server that outlives the run: drop the databases the tests made on it.
    psql "$TOBA_TEST_POSTGRES_URL" -X -q -t -c "SELECT format('DROP DATABASE %I;', datname) FROM pg_database WHERE datname LIKE 'toba\_test\_%'" \
      | psql "$TOBA_TEST_POSTGRES_URL" -X -q >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ -z "${TOBA_TEST_POSTGRES_URL:-}" ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    eval "$(scripts/pg-cluster.sh start)"
    cluster=$TOBA_PG_CLUSTER
  elif [ "${TOBA_REQUIRE_POSTGRES:-}" = 1 ]; then
    echo "PostgreSQL pass required (TOBA_REQUIRE_POSTGRES=1) but no server: set TOBA_TEST_POSTGRES_URL or install postgresql" >&2
    exit 1
  else
    echo
    echo "NOTE: the PostgreSQL pass was SKIPPED: TOBA_TEST_POSTGRES_URL is not set and PostgreSQL's"
    echo "      server programs are not installed (Debian: apt-get install postgresql). Only SQLite was tested."
    exit 0
  fi
fi

echo "== PostgreSQL: the end-to-end suites again =="
TOBA_TEST_BACKEND=postgres TOBA_TEST_POSTGRES_URL="$TOBA_TEST_POSTGRES_URL" \
  swift test --skip-build --no-parallel --filter "$postgres_suites"
