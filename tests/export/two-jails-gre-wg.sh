#!/bin/sh
# A reproducer exported by vnet-playground: the scenario's commands, for a
#   real FreeBSD host.
# It needs a kernel with `options VIMAGE` (GENERIC has it) and must run as
#   root. It builds the jails and interfaces, runs the teardown (jail -r),
#   then destroys what is left in the host, so it can run again.
#
# What vnet-playground predicts (its model follows FreeBSD main):
#   legacy: clean
#   vnet-shutdown: clean
#   prison-cleanup: clean
# Only legacy is FreeBSD today; the proposed stage orders (vnet-shutdown,
#   prison-cleanup) exist only in the playground.
# Per release, legacy, stock parts only: 13.0 refused, 13.x clean, 14.x clean,
#   14.3 clean, 15.0 clean, main clean. (uname -r on the host says which line
#   applies.)
# On a stock kernel (without the parts kept as comments), legacy: clean

set -e
kldload -n if_epair if_gre if_wg if_bridge
# Two jails, other names and drivers: gre with a route cache in one, wg and a bridge in the other.
# options ROUTE_CACHE: Zhenlei Huang's route-cache prototype for tunnels, not
#   in FreeBSD; a kernel with it needs gmshake/freebsd-src. Not reproduced
#   here.
jail -c name=alpha vnet persist
# beta gets persist: with no process yet, a jail without it would go away at
#   once (jail -r removes it either way)
jail -c name=beta vnet persist
epair0=$(ifconfig epair create)  # epair0a and epair0b in the script; the kernel picks the unit
ifconfig ${epair0%a}b vnet alpha
jexec alpha ifconfig ${epair0%a}b inet 198.51.100.1/24
jexec alpha ifconfig gre7 create
jexec alpha ifconfig gre7 tunnel 198.51.100.1 198.51.100.9
jexec beta ifconfig wg3 create
jexec beta ifconfig bridge0 create
jexec beta sleep 60 &
jexec beta sleep 61 &
sleep 1  # let the background processes start
set +e  # the teardown: a failure here must not skip the cleanup
jail -r beta
jail -r alpha
jail -r alpha

# A removed jail dies once its killed processes have exited; its loaned
#   interfaces come home then. Wait up to 10 s for that, and say so if a jail
#   stays dying.
for j in beta alpha; do
	n=0
	while jls -d -j "$j" >/dev/null 2>&1 && [ $n -lt 10 ]; do
		sleep 1
		n=$((n + 1))
	done
	if jls -d -j "$j" >/dev/null 2>&1; then
		echo "jail $j is still dying" >&2
	fi
done

# Clean up what is left in the host, so the script can run again.
ifconfig ${epair0} destroy 2>/dev/null || true
