#!/usr/bin/env bash
# `make cluster-test`: the workflow on a real SLURM cluster, one node on this machine (slurmctld +
# slurmd on localhost, authenticated by munge), run with workflow/profiles/slurm, and its results
# compared byte for byte with a local run (workflow/profiles/default) of the same small corpus.
#
# It proves that the slurm profile's options are accepted by real SLURM commands (sbatch, srun,
# squeue), that the per-document jobs go to SLURM as group jobs (group-components per_document=50)
# and the aggregates as one job each, and that a cluster run writes the same results/ as a local run.
# It does not prove what only a site can: a multi-node shared file system, its partitions, accounts
# and limits (see workflow/profiles/README.md for pointing the profile at a real cluster).
#
# Needs root and apt-get to install Debian's slurm-wlm and munge when they are missing (as .ci/run
# does for Chromium); otherwise it says so and exits with status 77 without running anything.
# Everything it starts (munged, slurmctld, slurmd) lives in a temporary folder and is stopped at exit.
# Options (environment): CLUSTER_TEST_DOCS="doc_id ..." (default: 4 documents, PDF/HTML/text),
# CLUSTER_TEST_KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
VENV_BIN=${VENV_BIN:-$REPO/.venv/bin}
DOCS=${CLUSTER_TEST_DOCS:-"armstrong2008 aron2006 fcadv2004 clawson2008"}
START=$(date +%s)

cannot() {
  echo "cluster-test: cannot run here: $*; nothing was run." >&2
  exit 77
}

# 1. SLURM and munge: installed, or installed now where we may.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
  || ! command -v sbatch >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    cannot "slurmctld/slurmd/sbatch/munged are not installed, and installing them needs root and apt-get (Debian: apt-get install slurm-wlm munge)"
  fi
  echo "cluster-test: installing slurm-wlm and munge with apt-get"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null) \
    || cannot "apt-get could not install slurm-wlm and munge"
fi
[ "$(id -u)" = 0 ] || cannot "slurmd must run as root to start jobs (run as root, or on a real cluster use the profile directly)"
"$VENV_BIN/python" -c "import snakemake_executor_plugin_slurm" 2>/dev/null \
  || cannot "snakemake-executor-plugin-slurm is not installed in $VENV_BIN (it is pinned in pyproject.toml: make .venv/.installed)"

# Job steps find the configuration at the default path only (the SLURM plugin clears SLURM_* variables
# inside jobs, SLURM_CONF among them): the test links its own there, so it must not replace a real one.
if [ -e /etc/slurm/slurm.conf ] || [ -L /etc/slurm/slurm.conf ]; then
  cannot "/etc/slurm/slurm.conf exists: this machine has its own SLURM set-up, which the test will not replace (run the profile on that cluster instead)"
fi
TMP=$(mktemp -d /tmp/reviewflow-cluster.XXXXXX)
export SLURM_CONF=$TMP/slurm.conf
stop_daemons() {
  if [ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$SLURM_CONF" ]; then rm -f /etc/slurm/slurm.conf; fi
  # Jobs still queued or running on this test cluster (after a failure) first.
  scancel --full --user root 2>/dev/null || true
  # Only what this script started, by the pid files it gave them.
  for daemon in slurmd slurmctld munged; do
    if [ -s "$TMP/$daemon.pid" ]; then
      kill "$(cat "$TMP/$daemon.pid")" 2>/dev/null || true
    fi
  done
  sleep 1
  if [ "${CLUSTER_TEST_KEEP:-0}" = 1 ]; then echo "cluster-test: kept $TMP"; else rm -rf "$TMP"; fi
}
trap stop_daemons EXIT

# 2. munge, with its own key and socket.
dd if=/dev/urandom of="$TMP/munge.key" bs=1024 count=1 status=none
chmod 400 "$TMP/munge.key"
munged --force --key-file="$TMP/munge.key" --socket="$TMP/munge.sock" --pid-file="$TMP/munged.pid" \
  --log-file="$TMP/munged.log" --seed-file="$TMP/munged.seed"

# 3. A one-node cluster: this host's cores and ~80 % of its memory, free ports, state in $TMP.
NODE=$(hostname -s)
read -r CTLD_PORT SLURMD_PORT < <("$VENV_BIN/python" -c "
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets: s.bind(('127.0.0.1', 0))
print(*(s.getsockname()[1] for s in sockets))")
MEMORY_MB=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
mkdir -p "$TMP/state" "$TMP/spool" /etc/slurm
cat >"$SLURM_CONF" <<EOF
ClusterName=reviewflowtest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$TMP/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/slurmctld.log
SlurmdLogFile=$TMP/slurmd.log
SlurmctldDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$TMP/jobcomp.log
# Finished jobs stay visible to squeue (the status command here: no accounting database for sacct).
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=reviewflow Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
ln -s "$SLURM_CONF" /etc/slurm/slurm.conf
slurmctld -i
slurmd -N "$NODE"
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T | grep -q idle || { tail -20 "$TMP/slurmctld.log" "$TMP/slurmd.log" >&2; cannot "the node did not come up"; }
echo "cluster-test: one-node cluster up ($(sinfo -h -o '%P %D node(s) %c CPUs %m MB'))"

# 4. Two copies of the workflow with the same small corpus: one for a local run, one for SLURM.
make_copy() {
  local work=$1
  mkdir -p "$work/corpus/documents" "$work/corpus/decisions"
  cp -r Snakefile workflow scripts extraction_forms config "$work/"
  cp corpus/search_log.yaml "$work/corpus/"
  "$VENV_BIN/python" - "$work" $DOCS <<'EOF'
import csv, shutil, sys
from pathlib import Path
work, keep = Path(sys.argv[1]), set(sys.argv[2:])
with open("corpus/manifest.csv", encoding="utf-8", newline="") as handle:
    reader = csv.DictReader(handle)
    rows = [row for row in reader if row["doc_id"] in keep]
    columns = reader.fieldnames
missing = keep - {row["doc_id"] for row in rows}
if missing:
    sys.exit(f"cluster-test: CLUSTER_TEST_DOCS names unknown documents: {sorted(missing)}")
for row in rows:
    shutil.copy2(Path("corpus") / row["file"], work / "corpus" / row["file"])
with open(work / "corpus" / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
EOF
}
make_copy "$TMP/local"
make_copy "$TMP/cluster"
# The profile as a user edits it: the two EDIT lines filled in (this cluster keeps no accounts).
sed -i -e 's/^\(  slurm_partition:\).*/\1 "reviewflow"/' -e '/^  slurm_account:/d' \
  "$TMP/cluster/workflow/profiles/slurm/config.yaml"
export SOURCE_DATE_EPOCH=1700000000

echo "cluster-test: local run ($(echo $DOCS | wc -w) documents)"
(cd "$TMP/local" && "$VENV_BIN/snakemake" --profile workflow/profiles/default --cores 2 >"$TMP/local.log" 2>&1) \
  || { tail -40 "$TMP/local.log" >&2; echo "cluster-test: FAILED: the local run failed" >&2; exit 1; }
echo "cluster-test: SLURM run"
# squeue for job states: this cluster has no accounting database for sacct. --resources: the bound of
# one submitted job, set to this node's size (the profile's EDIT line, as a user would).
(cd "$TMP/cluster" && "$VENV_BIN/snakemake" --profile workflow/profiles/slurm --slurm-status-command squeue \
  --resources "cpus_per_task=$(nproc)" "mem_mb=$MEMORY_MB" >"$TMP/cluster.log" 2>&1) \
  || { tail -60 "$TMP/cluster.log" >&2; tail -20 "$TMP/slurmctld.log" >&2; echo "cluster-test: FAILED: the SLURM run failed" >&2; exit 1; }

# 5. The jobs went through sbatch: Snakemake's log names each submission (rule or group, SLURM job id),
# the controller logged as many submissions, and its record of finished jobs says they all completed.
status=0
grep -o "submitted with SLURM jobid [0-9]* (log: [^)]*/slurm_logs/[a-z_]*" "$TMP/cluster.log" \
  | sed 's|.*jobid \([0-9]*\) (log: .*/slurm_logs/\(.*\)|\2 \1|' >"$TMP/submitted.txt" || true
submitted=$(wc -l <"$TMP/submitted.txt")
received=$(grep -c "_slurm_rpc_submit_batch_job" "$TMP/slurmctld.log" || true)
completed=$(grep -c "JobState=COMPLETED" "$TMP/jobcomp.log" || true)
echo "cluster-test: $submitted jobs submitted with sbatch, $received received by slurmctld, $completed completed:"
awk '{count[$1]++} END {for (name in count) printf "  %s: %d job(s)\n", name, count[name]}' "$TMP/submitted.txt" | sort
if [ "$submitted" -eq 0 ] || [ "$received" -ne "$submitted" ] || [ "$completed" -ne "$submitted" ]; then
  echo "cluster-test: FAILED: expected every job to be submitted to and completed by SLURM" >&2
  status=1
fi
if ! grep -q "^group_per_document" "$TMP/submitted.txt"; then
  echo "cluster-test: FAILED: the per-document jobs did not run as SLURM group jobs" >&2
  status=1
fi

# 6. Byte-identical results (the logs aside: they name the executor's paths).
if diff -r -q -x logs "$TMP/local/results" "$TMP/cluster/results"; then
  echo "cluster-test: results/ identical to the local run ($(find "$TMP/local/results" -type f -not -path '*/logs/*' | wc -l) files)"
else
  echo "cluster-test: FAILED: results/ differ from the local run" >&2
  status=1
fi
echo "cluster-test: $([ $status = 0 ] && echo passed || echo FAILED) in $(($(date +%s) - START)) s"
exit $status
