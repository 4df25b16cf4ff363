#!/usr/bin/env bash
# Install emailiac for the action: a pinned release from PyPI, or the action's own copy.
set -euo pipefail
if [ -n "${EMAILIAC_VERSION:-}" ]; then
  python -m pip install --disable-pip-version-check -q "emailiac==${EMAILIAC_VERSION}"
else
  python -m pip install --disable-pip-version-check -q "${GITHUB_ACTION_PATH:?}"
fi
python -m emailiac --version
