#!/bin/sh
# Starts one process of a sentinel + miniredis fleet from environment variables, in the
# foreground (the container's PID 1 is the server itself, so it gets the stop signal).
#
#   ROLE            master | replica | sentinel                                  (required)
#   PORT            port to listen on (default 6379; 26379 for a sentinel)
#   ANNOUNCE_IP     address the others and clients outside must use for this process
#   ANNOUNCE_PORT   port they must use (default PORT), e.g. the published port
#   MASTER_HOST     replica: the master to follow; sentinel: the master to monitor
#   MASTER_PORT     its port (default 6379)
#   MASTER_NAME     sentinel: the name clients ask for (default mymaster)
#   QUORUM          sentinel: sentinels that must agree the master is down (default 2)
#   DOWN_AFTER_MS   sentinel: down-after-milliseconds (default 5000)
#   FAILOVER_TIMEOUT_MS  sentinel: failover-timeout (default 60000)
#   DATA_DIR        data, and the sentinel's config with its state (default /data)
#   BIN_DIR         where miniredis and sentinel are (default: found on PATH)
#   EXTRA_ARGS      more directives for miniredis, e.g. "--appendonly yes"
#
# A sentinel's config is written only when $DATA_DIR/sentinel.conf does not exist yet: the
# sentinel keeps its id, epochs and the current master there, so the file must survive a
# restart (a volume) and must never be shared or copied between sentinels.
set -eu

fail() { echo "entrypoint: $*" >&2; exit 64; }

ROLE=${ROLE:-}
DATA_DIR=${DATA_DIR:-/data}
BIN_DIR=${BIN_DIR:-}
bin() { if [ -n "$BIN_DIR" ]; then echo "$BIN_DIR/$1"; else command -v "$1" || fail "$1 is not on PATH"; fi; }
[ -d "$DATA_DIR" ] && [ -w "$DATA_DIR" ] || fail "DATA_DIR $DATA_DIR is not a writable directory"

case "$ROLE" in
master | replica)
    PORT=${PORT:-6379}
    set -- --port "$PORT" --dir "$DATA_DIR" --protected-mode no
    if [ -n "${ANNOUNCE_IP:-}" ]; then set -- "$@" --replica-announce-ip "$ANNOUNCE_IP"; fi
    set -- "$@" --replica-announce-port "${ANNOUNCE_PORT:-$PORT}"
    if [ "$ROLE" = replica ]; then
        [ -n "${MASTER_HOST:-}" ] || fail "ROLE=replica needs MASTER_HOST"
        set -- "$@" --replicaof "$MASTER_HOST" "${MASTER_PORT:-6379}"
    fi
    # shellcheck disable=SC2086 # EXTRA_ARGS is a list of words
    exec "$(bin miniredis)" "$@" ${EXTRA_ARGS:-}
    ;;
sentinel)
    PORT=${PORT:-26379}
    [ -n "${MASTER_HOST:-}" ] || fail "ROLE=sentinel needs MASTER_HOST"
    conf="$DATA_DIR/sentinel.conf"
    if [ ! -e "$conf" ]; then
        name=${MASTER_NAME:-mymaster}
        {
            echo "# Written by the entrypoint on first start; the sentinel adds its state below."
            echo "port $PORT"
            echo "dir $DATA_DIR"
            echo "protected-mode no"
            if [ -n "${ANNOUNCE_IP:-}" ]; then
                echo "sentinel announce-ip $ANNOUNCE_IP"
                echo "sentinel announce-port ${ANNOUNCE_PORT:-$PORT}"
            fi
            # Names, not only addresses, may be given for the master: resolve them, and announce
            # a name given as ANNOUNCE_IP as a name.
            echo "sentinel resolve-hostnames yes"
            case "${ANNOUNCE_IP:-}" in
            *[!0-9.:]*) echo "sentinel announce-hostnames yes" ;;
            esac
            echo "sentinel monitor $name $MASTER_HOST ${MASTER_PORT:-6379} ${QUORUM:-2}"
            echo "sentinel down-after-milliseconds $name ${DOWN_AFTER_MS:-5000}"
            echo "sentinel failover-timeout $name ${FAILOVER_TIMEOUT_MS:-60000}"
        } > "$conf"
    fi
    exec "$(bin sentinel)" "$conf"
    ;;
*)
    fail "ROLE must be master, replica or sentinel (got '${ROLE}')"
    ;;
esac
