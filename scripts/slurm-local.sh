#!/usr/bin/env bash
# A single-node Slurm on this machine, from Debian's packages (munge, slurmctld, slurmd,
# slurm-client), for trying `xafs batch --slurm` and for its tests (test/series/batch/slurm.test.ts).
#
#   scripts/slurm-local.sh          start it (installs the packages if missing; needs root)
#   scripts/slurm-local.sh status   exit 0 when it answers and its node is up
#   scripts/slurm-local.sh stop     stop the daemons this script started
#
# Idempotent: a second start leaves the running cluster alone. No systemd: munged, slurmctld and
# slurmd run as plain daemons, their pid files, logs and state under $XAFS_SLURM_STATE
# (default /var/lib/xafs-slurm). One partition `xafs` with one node (this host) declaring
# max(nproc, 4) CPUs, so that a 4-task array runs at once even on a 2-core machine. No accounting
# (no slurmdbd): sacct does not work, squeue and scontrol do. The configuration goes to
# /etc/slurm/slurm.conf, where the Slurm commands look for it; a slurm.conf not written by this
# script (a real site's) is never replaced.
set -euo pipefail

STATE=${XAFS_SLURM_STATE:-/var/lib/xafs-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by xafs scripts/slurm-local.sh'
say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# a process that runs (a zombie left by a parent that does not reap it counts as ended)
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && ! grep -q '^[^)]*) Z' "/proc/$(cat "$1")/stat" 2>/dev/null; }

node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -n1; }

up() { scontrol ping 2>/dev/null | grep -q 'is UP' && case "$(node_state)" in idle* | mixed* | allocated* | completing*) true ;; *) false ;; esac; }

stop() {
  local pid
  for pid in "$STATE/slurmd.pid" "$STATE/slurmctld.pid" "$STATE/munge/munged.pid"; do
    if alive "$pid"; then
      kill "$(cat "$pid")" || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
      say "stopped $(basename "$pid" .pid)"
    fi
    rm -f "$pid"
  done
}

install() {
  local missing=()
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
  command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
  command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    die "apt-get install ${missing[*]} failed"
}

write_conf() {
  local host cpus addr
  host=$(hostname -s)
  cpus=$(nproc)
  [ "$cpus" -lt 4 ] && cpus=4
  # a host name that does not resolve (containers) is reached on the loopback address
  addr=$(getent hosts "$host" >/dev/null 2>&1 && echo "$host" || echo 127.0.0.1)
  if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script (a real Slurm configuration?): not replacing it"
  fi
  mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" "$STATE/log"
  local conf
  conf="$MARK
ClusterName=xafslocal
SlurmctldHost=$host($addr)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# start jobs (and the merge after its array) as soon as they may: this cluster serves short test jobs
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=60
MpiDefault=none
NodeName=$host NodeAddr=$addr CPUs=$cpus State=UNKNOWN
PartitionName=xafs Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO"
  if [ "$(cat "$CONF" 2>/dev/null)" != "$conf" ]; then
    printf '%s\n' "$conf" >"$CONF"
    # a changed configuration needs fresh daemons
    stop
  fi
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null 2>&1; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null; fi
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  # munged runs as the munge user and writes its pid file there (stop() reads it)
  mkdir -p "$STATE/munge" && chown munge:munge "$STATE/munge"
  runuser -u munge -- munged --pid-file="$STATE/munge/munged.pid" || die "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null 2>&1 || die "munged does not answer (see /var/log/munge/munged.log)"
}

start() {
  [ "$(id -u)" = 0 ] || die "needs root (installs packages, writes $CONF, starts daemons)"
  install
  mkdir -p "$STATE"
  write_conf
  start_munge
  alive "$STATE/slurmctld.pid" || { slurmctld || die "slurmctld did not start (see $STATE/log/slurmctld.log)"; }
  for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.1; done
  alive "$STATE/slurmd.pid" || { slurmd || die "slurmd did not start (see $STATE/log/slurmd.log)"; }
  local host
  host=$(hostname -s)
  for i in $(seq 1 200); do
    up && break
    # a node left DOWN or DRAINED by an earlier run is put back
    case "$(node_state)" in down* | drain*) [ $((i % 20)) -eq 0 ] && scontrol update NodeName="$host" State=RESUME 2>/dev/null || true ;; esac
    sleep 0.1
  done
  up || die "the node did not come up: $(sinfo -h -N -o '%N %T %E' 2>&1 | head -n1) (see $STATE/log/)"
  say "up: partition xafs, node $host, $(sinfo -h -o '%c' | head -n1) CPUs"
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) up ;;
*) die "usage: $0 [start|stop|status]" ;;
esac
