#!/usr/bin/env bash
# The Debian packages the site needs besides Python: WeasyPrint's Pango and a font that
# covers Vietnamese, and Graphviz, for the DPO's PDF dossiers (the dpo app loads them when the
# site starts). Installs what is missing when run as root on Debian; otherwise says what to
# install. .ci/run installs these and the test-only ones (chromium, nginx, poppler) itself.
set -u
missing=()
command -v dot >/dev/null || missing+=(graphviz)
{ command -v fc-list >/dev/null && fc-list | grep -qi "DejaVuSans"; } || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "!! Missing Debian packages for the DPO's dossiers: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
