#!/usr/bin/env bash
# `make run`'s supervisor for the Celery worker and beat: start the command again when it
# stops on its own, and say so. kombu's filesystem transport (the broker of a development
# install, which needs no server) can make a worker exit with "Unrecoverable error" when it
# reads a message file its writer has not finished; nothing would run until a restart.
# Ctrl-C (SIGINT or SIGTERM from honcho) stops the command and this loop.
# Usage: scripts/keep_running.sh NAME COMMAND [ARGS...]
set -u
name=$1
shift
child=0
stop() {
  trap - INT TERM
  [ "$child" -ne 0 ] && kill -TERM "$child" 2>/dev/null && wait "$child"
  exit 0
}
trap stop INT TERM
while true; do
  "$@" &
  child=$!
  wait "$child"
  code=$?
  child=0
  echo "!! ${name} stopped (exit ${code}); starting it again in 2 s" >&2
  sleep 2 &
  wait $!
done
