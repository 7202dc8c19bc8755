#!/usr/bin/env bash
# `make run`: migrate, load demo data, then run the web server and the worker together on
# SQLite. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"

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

$PY manage.py migrate --noinput -v0
$PY manage.py loaddemo > .demo-logins.txt
cat <<MSG

Tally is running.
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
