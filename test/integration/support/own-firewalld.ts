import { expect } from 'vitest'
import { startOwnServer, type OwnServer } from './own-server'
import { waitFor } from './vps-firewall'

/**
 * An own server (see own-server.ts) running firewalld for real: a private D-Bus system bus (dbus-daemon
 * on a private /run/dbus) and firewalld on it, with private copies of /etc/firewalld, /run/firewalld,
 * /var/lib/postdesk and at's spool. This machine's /run/dbus, /etc/firewalld and firewall are never
 * touched, nor the test VPS's namespace `pdvps`. Everything goes with srv.stop().
 */
export async function startFirewalldServer(o: { name: string; octet: number }): Promise<OwnServer> {
  const srv = await startOwnServer({ ...o, privateDirs: ['/etc/firewalld', '/run/dbus', '/run/firewalld', '/var/lib/postdesk', '/var/spool/cron/atjobs'] })
  try {
    srv.spawn(['dbus-daemon', '--system', '--nofork', '--nopidfile'])
    expect(await waitFor(() => srv.tryRun(['test', '-S', '/run/dbus/system_bus_socket']) !== undefined, 10_000)).toBe(true)
    srv.spawn(['/usr/bin/python3', '/usr/sbin/firewalld', '--nofork', '--nopid', '--log-target', 'console'])
    expect(await waitFor(() => srv.tryRun(['firewall-cmd', '--state'])?.trim() === 'running', 30_000, 500)).toBe(true)
  } catch (e) {
    await srv.stop()
    throw e
  }
  return srv
}

/** The server's side of the veth pair: the interface the clients' traffic comes in on. */
export function clientInterface(srv: OwnServer): string {
  return srv.run(['ip', '-o', '-4', 'addr', 'show', 'to', `${srv.host}/32`]).trim().split(/\s+/)[1]!.split('@')[0]!
}

/** The zone an interface is bound to (runtime, or permanent); firewall-cmd fails with "no zone" when none. */
export function zoneOfInterface(srv: OwnServer, iface: string, permanent = false): string {
  return srv.tryRun(['firewall-cmd', ...(permanent ? ['--permanent'] : []), `--get-zone-of-interface=${iface}`])?.trim() ?? 'no zone'
}

/** Binds an interface to a zone, or (zone null) to none, at runtime and in the permanent configuration, then reloads. */
export function bindInterface(srv: OwnServer, iface: string, zone: string | null): void {
  const fwc = (...a: string[]) => srv.run(['firewall-cmd', ...a])
  const current = zoneOfInterface(srv, iface)
  const currentPerm = zoneOfInterface(srv, iface, true)
  if (zone) {
    fwc(`--zone=${zone}`, `--change-interface=${iface}`)
    fwc('--permanent', `--zone=${zone}`, `--change-interface=${iface}`)
  } else {
    if (current !== 'no zone') fwc(`--zone=${current}`, `--remove-interface=${iface}`)
    if (currentPerm !== 'no zone') fwc('--permanent', `--zone=${currentPerm}`, `--remove-interface=${iface}`)
  }
  fwc('--reload')
}
