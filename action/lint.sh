#!/usr/bin/env bash
# Run `emailiac lint` for the action: annotations on stdout, SARIF and Markdown to files, the Markdown as the
# job summary, and the exit code as a step output. The step itself always succeeds so that the SARIF upload
# runs; the action's last step gates the job on the exit code.
set -uo pipefail

out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/emailiac"
mkdir -p "$out_dir"
markdown="$out_dir/emailiac.md"
report="$out_dir/emailiac.json"
sarif=""

# Inputs are split on white space and passed as arguments; nothing in them is ever evaluated by the shell.
read -r -a paths <<< "${INPUT_PATH:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"
# The i-th --output belongs to the i-th --format: the formats written to files come first, the annotations
# (to stdout, where the runner reads them) last.
cmd=(python -m emailiac lint "${paths[@]}" --format markdown --output "$markdown" --format json --output "$report")
if [ "${INPUT_SARIF:-true}" = "true" ]; then
  sarif="$out_dir/emailiac.sarif"
  cmd+=(--format sarif --output "$sarif")
fi
cmd+=(--format github)
[ -n "${INPUT_BASELINE:-}" ] && cmd+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_FAIL_ON:-}" ] && cmd+=(--fail-on "$INPUT_FAIL_ON")
cmd+=("${extra[@]}")

"${cmd[@]}"
code=$?

findings=0
if [ -s "$report" ]; then
  findings=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$report" \
    2>/dev/null || echo 0)
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$markdown" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "findings=$findings"
    echo "sarif-file=$sarif"
  } >> "$GITHUB_OUTPUT"
fi
exit 0
