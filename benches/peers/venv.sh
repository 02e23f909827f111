# Sourced by run.sh, centrality.sh and ../overlap_scipy/run.sh with HERE set to the
# script's folder: (re)creates HERE/.venv from HERE/requirements.txt when missing or
# when the requirements changed. Sets VENV.
PY="$(command -v python3.11 || command -v python3)"
VENV="$HERE/.venv"
REQ_SUM="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$REQ_SUM" ]; then
  printf '== creating %s from requirements.txt with %s\n' "$VENV" "$("$PY" --version)" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
  echo "$REQ_SUM" > "$VENV/.requirements.sha256"
fi
