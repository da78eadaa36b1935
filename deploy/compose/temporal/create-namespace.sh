#!/bin/sh
# The one-shot `temporal-namespace` job of docker-compose.yml (temporalio/admin-tools):
# registers the namespace the sagashop processes use and the custom search
# attributes the order saga sets. Safe to repeat: an existing namespace is kept,
# and re-creating a search attribute with the same type is accepted.
# SEARCH_ATTRIBUTES is "Name=Type ..." (CLI type names); test/deploy checks it
# against workflows/search-attributes.ts.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"
retention=${NAMESPACE_RETENTION:-168h}

# The server answers before it is serving, and a new namespace is unknown to
# the other calls until the server's namespace cache refreshes (seconds).
retry() {
  limit=$1
  shift
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$limit" ]; then echo "gave up: $*" >&2; return 1; fi
    sleep 2
  done
}
t() { temporal "$@" --address "$TEMPORAL_ADDRESS"; }

retry 60 t operator cluster health >/dev/null
if ! t operator namespace describe -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  t operator namespace create -n "$TEMPORAL_NAMESPACE" --retention "$retention"
fi
for attribute in $SEARCH_ATTRIBUTES; do
  # Fewer tries: past the cache refresh, a failure is real (e.g. another type).
  retry 10 t operator search-attribute create -n "$TEMPORAL_NAMESPACE" --name "${attribute%%=*}" --type "${attribute#*=}"
done
echo "namespace $TEMPORAL_NAMESPACE is ready"
