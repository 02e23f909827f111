# Sourced by run.sh and centrality.sh, which time their runs with /usr/bin/time:
# installs GNU time (Debian package time) when it is missing.
if [ ! -x /usr/bin/time ]; then
  printf '== installing GNU time (Debian package time)\n' >&2
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
