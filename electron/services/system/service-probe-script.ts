import type { ServiceDef } from './service-catalog'

/**
 * One POSIX sh script that reports the init system, the listening TCP sockets and, for each service
 * passed as an argument (`KEY|names|processes|pidfiles`, comma-separated lists from the catalog, never
 * user input), its name on this server, init status, main PID, elapsed time and boot setting.
 * Runs unchanged on CentOS 6 (SysV, old ss/ps), Debian without systemd, systemd and OpenRC systems.
 * (A TS template literal: `\\` is one backslash in the script.)
 */
export const SERVICE_PROBE_SCRIPT = `
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
LC_ALL=C; export LC_ALL
has() { command -v "$1" >/dev/null 2>&1; }
kv() { printf '%s=%s\\n' "$1" "$2"; }
tmo() { if has timeout; then timeout 15 "$@"; else "$@"; fi; }

if [ -d /run/systemd/system ]; then init=systemd
elif [ -x /sbin/openrc-run ] || has rc-service; then init=openrc
elif [ -d /etc/init.d ] || has service; then init=sysv
else init=unknown
fi
kv init "$init"
kv now "$(date +%s)"

# Listening TCP sockets: "ss=PORT PID PROCESS" (PID/PROCESS '-' when ss may not show them).
ss -ltnp 2>/dev/null | sed 1d | while read -r st rq sq local peer rest; do
  port=\${local##*:}
  users=$(printf '%s' "$rest" | sed -n 's/.*users:((\\(.*\\)))$/\\1/p')
  if [ -n "$users" ]; then
    printf '%s\\n' "$users" | tr ')' '\\n' | sed -n 's/^,*(*"\\([^"]*\\)",pid=\\([0-9]*\\).*/\\1 \\2/p' | while read -r proc pid; do kv ss "$port $pid $proc"; done
  else kv ss "$port - -"
  fi
done

alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
present() {  # present NAME: the init system knows this service
  case $init in
    systemd) systemctl show -p LoadState "$1.service" 2>/dev/null | grep -q '=loaded' ;;
    *) [ -x "/etc/init.d/$1" ] ;;
  esac
}
expand() {  # expand NAME-PATTERN: the matching names
  case $1 in
    *'*'*)
      if [ "$init" = systemd ]; then systemctl list-unit-files "$1.service" --no-legend 2>/dev/null | sed -n 's/\\.service .*//p'
      else for f in /etc/init.d/$1; do [ -x "$f" ] && printf '%s\\n' "\${f##*/}"; done
      fi ;;
    *) printf '%s\\n' "$1" ;;
  esac
}

probe() {
  key=$1 names=$2 procs=$3 pidfiles=$4
  name=
  for pat in $(printf '%s' "$names" | tr ',' ' '); do
    for n in $(expand "$pat"); do
      if present "$n"; then name=$n; break 2; fi
    done
  done
  pid=
  for pf in $(printf '%s' "$pidfiles" | tr ',' ' '); do
    p=$( [ -r "$pf" ] && tr -dc 0-9 <"$pf")
    if alive "$p"; then pid=$p; break; fi
  done
  if [ -z "$pid" ] && has pgrep; then
    for pr in $(printf '%s' "$procs" | tr ',' ' '); do
      case $pr in
        *'*'*) p=$(pgrep -o "\${pr%%\\**}" 2>/dev/null | sed -n 1p) ;;
        *) p=$(pgrep -o -x "$pr" 2>/dev/null | sed -n 1p) ;;
      esac
      if alive "$p"; then pid=$p; break; fi
    done
  fi
  [ -z "$name" ] && [ -z "$pid" ] && return 0
  kv svc "$key"
  kv name "\${name:-\${names%%,*}}"
  kv script "\${name:+1}"
  kv pid "$pid"
  [ -n "$pid" ] && kv etime "$(ps -o etime= -p "$pid" 2>/dev/null | tr -d ' ')"
  if [ -n "$name" ]; then
    case $init in
      systemd)
        out=$(systemctl is-active "$name" 2>&1); kv status.rc $?
        kv status.text "$out"
        kv main.pid "$(systemctl show -p MainPID "$name" 2>/dev/null | sed 's/.*=//')"
        en=$(systemctl is-enabled "$name" 2>/dev/null)
        case $en in enabled*|static|alias) kv enabled 1 ;; disabled|masked*) kv enabled 0 ;; *) kv enabled '' ;; esac ;;
      openrc)
        out=$(tmo rc-service "$name" status </dev/null 2>&1); kv status.rc $?
        kv status.text "$(printf '%s' "$out" | sed -n '1,3p' | tr '\\n' ' ')"
        if rc-update show 2>/dev/null | grep -qw "$name"; then kv enabled 1; else kv enabled 0; fi ;;
      *)
        out=$(tmo service "$name" status </dev/null 2>&1); kv status.rc $?
        kv status.text "$(printf '%s' "$out" | sed -n '1,3p' | tr '\\n' ' ')"
        if ls /etc/rc[2345].d/S*"$name" /etc/rc.d/rc[2345].d/S*"$name" >/dev/null 2>&1; then kv enabled 1
        elif [ -d /etc/rc2.d ] || [ -d /etc/rc.d/rc3.d ]; then kv enabled 0
        else kv enabled ''
        fi ;;
    esac
  else
    kv status.rc ''
    kv status.text 'no init script'
    kv enabled ''
  fi
  kv end.svc "$key"
}

probes() {
  for spec in "$@"; do
    IFS='|'
    # shellcheck disable=SC2086
    set -- $spec
    unset IFS
    probe "$1" "$2" "$3" "$4"
  done
}
probes "$@" </dev/null
kv end 1
`

export function probeArgs(defs: readonly ServiceDef[]): string[] {
  return defs.map((d) => [d.key, d.names.join(','), d.processes.join(','), d.pidFiles.join(',')].join('|'))
}
