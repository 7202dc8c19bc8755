#!/usr/bin/env bash
# `make run`: migrate, load demo data, then run the web server and the worker together on
# SQLite. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

port_free() { $PY -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"; }

# PORT chooses the port; unset, the first free one from 8000 up.
if [ -n "${PORT:-}" ]; then
  if ! port_free "$PORT"; then
    echo "Port $PORT is in use. Choose another with PORT, e.g.: PORT=$((PORT + 1)) make run" >&2
    exit 1
  fi
else
  PORT=8000
  while ! port_free "$PORT"; do
    PORT=$((PORT + 1))
    if [ "$PORT" -gt 8099 ]; then
      echo "Ports 8000 to 8099 are all in use. Choose one with PORT, e.g.: PORT=9000 make run" >&2
      exit 1
    fi
  done
fi

if [ ! -f .env.local ]; then
  # Local secrets for this checkout only (git ignores the file).
  {
    echo "TALLY_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "TALLY_ORDER_SESSION_KEYS=k1:$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')"
  } > .env.local
fi
set -a; . ./.env.local; set +a
export TALLY_DEBUG="${TALLY_DEBUG:-1}"
# Links in emails point here; emails are printed by the worker (console backend) unless
# TALLY_EMAIL_HOST names an SMTP server.
export TALLY_SITE_URL="${TALLY_SITE_URL:-http://127.0.0.1:${PORT}}"
# Local webhook receivers (http://127.0.0.1:...) are allowed here only, never in production.
export TALLY_WEBHOOK_ALLOW_PRIVATE="${TALLY_WEBHOOK_ALLOW_PRIVATE:-1}"
export TALLY_PUBLIC_URL="${TALLY_PUBLIC_URL:-http://127.0.0.1:${PORT}}"

$PY manage.py migrate --noinput -v0
$PY manage.py loaddemo > .demo-logins.txt
cat <<MSG

Tally is running (port ${PORT}; PORT=NNNN make run picks another).
  Site:   http://127.0.0.1:${PORT}/
  Admin:  http://127.0.0.1:${PORT}/admin/
  API docs: http://127.0.0.1:${PORT}/api/docs
$(sed 's/^/  /' .demo-logins.txt)
Press Ctrl-C to stop the web server and the worker.

MSG
rm -f .demo-logins.txt

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
$PY manage.py devserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
$PY manage.py worker &
pids+=($!)
wait -n "${pids[@]}"
