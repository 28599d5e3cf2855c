#!/usr/bin/env bash
# Nightly drift check for node-exporter's textfile collector.
#
#   crontab:  15 2 * * *  /opt/odag-sync/odag-sync-drift.sh --token-file /etc/odag-sync/token
#
# Arguments are passed to `odag-sync drift` as they are (--token-file, --header, --ca-cert, …).
#
# Settings (environment; cron's is nearly empty, so set them in the crontab or a wrapper):
#   ODAG_SYNC_PROJECT  the checkout with odag-sync.json and links/   (default: this script's folder)
#   ODAG_SYNC_ENV      the environment to check                      (default: prod)
#   TEXTFILE_DIR       node-exporter's --collector.textfile.directory (default: /var/lib/node_exporter/textfile)
#   ODAG_SYNC_BIN      the odag-sync binary (default: the first found on PATH, then in
#                      /usr/local/bin, ~/.local/bin, /opt/odag-sync/bin and this script's folder;
#                      cron's PATH is only /usr/bin:/bin)
#   ODAG_SYNC_PULL     1: first bring the checkout up to date with `git pull --ff-only`, so the
#                      check compares against what was merged, not what was last pulled by hand.
#                      Without it, keep the checkout current some other way (a deploy job).
#   ODAG_TOKEN, ODAG_SERVER and the other variables odag-sync reads.
#
# Writes $TEXTFILE_DIR/odag_sync.prom (and odag_sync_drift.json when the check ran), each replaced
# in one rename, so the collector never reads half a file. The metrics are written on every run:
# when the check cannot run at all (no binary, no project folder, a failed pull) they hold
# odag_sync_last_run_success 0 and the run's timestamp, so the alert fires instead of the metric
# going stale or vanishing. Alert on odag_sync_drift_detected == 1 or odag_sync_last_run_success == 0.
#
# Exit status: 0 when the check ran (drift or not: drift is reported in the metrics, not as a failed
# cron job), the drift command's own status when it failed (1 error, 64 bad usage), 127 when no
# odag-sync binary was found, 1 when the project folder is missing or the pull failed.
set -uo pipefail

project=${ODAG_SYNC_PROJECT:-$(dirname "$0")}
environment=${ODAG_SYNC_ENV:-prod}
textfile_dir=${TEXTFILE_DIR:-/var/lib/node_exporter/textfile}
metrics="$textfile_dir/odag_sync.prom"
report="$textfile_dir/odag_sync_drift.json"

if ! mkdir -p "$textfile_dir"; then
    echo "odag-sync-drift: cannot create $textfile_dir" >&2
    exit 1
fi
# Temporary files in the same folder (so the rename is atomic) whose names do not end in .prom
# (so the collector never reads one).
metrics_tmp=$(mktemp "$textfile_dir/.odag_sync.prom.XXXXXX") || exit 1
report_tmp=$(mktemp "$textfile_dir/.odag_sync_drift.json.XXXXXX") || {
    rm -f "$metrics_tmp"
    exit 1
}
trap 'rm -f "$metrics_tmp" "$report_tmp"' EXIT

# Puts the metrics in place, readable by the collector.
publish_metrics() {
    chmod 0644 "$metrics_tmp" && mv -f "$metrics_tmp" "$metrics"
}

# The run metrics of a check that could not run, for when odag-sync wrote none. The series is
# labelled with ODAG_SERVER when set (the command would label it with the server it checked).
fail() {
    local code=$1 message=$2 server=${ODAG_SERVER:-}
    echo "odag-sync-drift: $message" >&2
    server=${server//\\/\\\\}
    server=${server//\"/\\\"}
    local labels="server=\"$server\",environment=\"${environment//\"/\\\"}\""
    {
        echo "# HELP odag_sync_last_run_timestamp_seconds When the last drift check ran, in Unix seconds."
        echo "# TYPE odag_sync_last_run_timestamp_seconds gauge"
        echo "odag_sync_last_run_timestamp_seconds{$labels} $(date +%s)"
        echo "# HELP odag_sync_last_run_success Whether the last drift check completed (1) or failed (0)."
        echo "# TYPE odag_sync_last_run_success gauge"
        echo "odag_sync_last_run_success{$labels} 0"
    } > "$metrics_tmp"
    publish_metrics
    rm -f "$report"
    exit "$code"
}

find_binary() {
    if [ -n "${ODAG_SYNC_BIN:-}" ]; then
        [ -x "$ODAG_SYNC_BIN" ] && [ ! -d "$ODAG_SYNC_BIN" ] && echo "$ODAG_SYNC_BIN"
        return
    fi
    command -v odag-sync && return
    local candidate
    for candidate in /usr/local/bin/odag-sync ${HOME:+"$HOME/.local/bin/odag-sync"} \
        /opt/odag-sync/bin/odag-sync "$(dirname "$0")/odag-sync"; do
        if [ -x "$candidate" ] && [ ! -d "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
}

binary=$(find_binary)
if [ -z "$binary" ]; then
    if [ -n "${ODAG_SYNC_BIN:-}" ]; then
        fail 127 "ODAG_SYNC_BIN=$ODAG_SYNC_BIN is not an executable file"
    fi
    fail 127 "odag-sync not found on PATH ($PATH), in /usr/local/bin, ~/.local/bin, /opt/odag-sync/bin or $(dirname "$0"); set ODAG_SYNC_BIN"
fi
cd "$project" 2>/dev/null || fail 1 "cannot enter the project folder $project (set ODAG_SYNC_PROJECT)"
if [ "${ODAG_SYNC_PULL:-0}" = 1 ]; then
    git pull --ff-only --quiet >&2 || fail 1 "git pull --ff-only in $project failed; the check did not run"
fi

"$binary" drift --env "$environment" --output prometheus --report "$report_tmp" "$@" > "$metrics_tmp"
code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 2 ] && ! grep -q '^odag_sync_last_run_success{.*} 0$' "$metrics_tmp"; then
    # The command stopped before writing failure metrics (killed, crashed, bad usage): a failed run
    # must never read as a good one. Keep the series it wrote, marked failed, or write our own.
    grep -q '^odag_sync_last_run_success{' "$metrics_tmp" ||
        fail "$code" "odag-sync drift exited $code without writing metrics"
    sed -i 's/^\(odag_sync_last_run_success{.*}\) 1$/\1 0/' "$metrics_tmp"
fi
publish_metrics
# A run that wrote no report removes the last one, which would describe an earlier run.
if [ -s "$report_tmp" ]; then
    chmod 0644 "$report_tmp" && mv -f "$report_tmp" "$report"
else
    rm -f "$report"
fi
if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then exit 0; fi
exit "$code"
