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
# Per release, legacy: 13.0 panic, 13.x clean, 14.x clean, 14.3 clean, 15.0
#   clean, main clean. (uname -r on the host says which line applies.)

set -e
kldload -n if_epair if_gif
# p gets children.max=1: the jails under it (a child's children.max must stay
#   below its parent's)
jail -c name=p vnet persist children.max=1
jail -c name=p.c vnet persist
epair0=$(ifconfig epair create)  # epair0a and epair0b in the script; the kernel picks the unit
ifconfig ${epair0%a}b vnet p.c
jexec p.c ifconfig ${epair0%a}b inet 192.0.2.1/24
jexec p ifconfig gif0 create
jexec p ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec p.c sleep 1000 &
sleep 1  # let the background processes start
set +e  # the teardown: a failure here must not skip the cleanup
jail -r p

# A removed jail dies once its killed processes have exited; its loaned
#   interfaces come home then. Wait up to 10 s for that, and say so if a jail
#   stays dying.
for j in p; do
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
