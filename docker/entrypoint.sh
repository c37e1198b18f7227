#!/bin/sh
# Container entry point: bring the schema up to date before serving, then run the command.
#
# `mailgate db upgrade` is idempotent (a no-op at the latest revision), so every serving
# container may run it; set MAILGATE_SKIP_MIGRATE=1 where a separate one-shot job owns
# migrations. Other commands (mailgate user add, mail list, ...) run as given.
set -eu

skip_migrate="${MAILGATE_SKIP_MIGRATE:-0}"
# mailgate rejects unknown MAILGATE_* variables (a typo must not fall back to a default),
# and this one is the entry point's, not a setting: hide it from mailgate.
unset MAILGATE_SKIP_MIGRATE

serving=0
if [ "${1:-}" = "mailgate" ]; then
    for arg in "$@"; do
        if [ "$arg" = "serve" ]; then
            serving=1
        fi
    done
fi

if [ "$serving" = 1 ] && [ "$skip_migrate" != 1 ]; then
    mailgate db upgrade
fi

# exec: mailgate becomes PID 1 and receives SIGTERM itself (its graceful shutdown).
exec "$@"
