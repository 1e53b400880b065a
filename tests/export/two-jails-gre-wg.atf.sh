# An ATF test case exported by vnet-playground, in the style of FreeBSD's
#   tests/sys/net: put it in that directory (it sources ../common/vnet.subr)
#   and run it with kyua. It needs a kernel with `options VIMAGE` and root.
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

. $(atf_get_srcdir)/../common/vnet.subr

atf_test_case "two_jails_gre_wg" "cleanup"
two_jails_gre_wg_head()
{
	atf_set descr 'Two jails, other names and drivers: gre with a route cache in one, wg and a bridge in the other.'
	atf_set require.user root
}

two_jails_gre_wg_body()
{
	vnet_init
	kldstat -q -m if_epair || kldload -n if_epair || atf_skip "This test needs if_epair"
	kldstat -q -m if_gre || kldload -n if_gre || atf_skip "This test needs if_gre"
	kldstat -q -m if_wg || kldload -n if_wg || atf_skip "This test needs if_wg"
	kldstat -q -m if_bridge || kldload -n if_bridge || atf_skip "This test needs if_bridge"
	# Two jails, other names and drivers: gre with a route cache in one, wg and a bridge in the other.
	# options ROUTE_CACHE: Zhenlei Huang's route-cache prototype for tunnels, not
	#   in FreeBSD; a kernel with it needs gmshake/freebsd-src. Not reproduced
	#   here.
	vnet_mkjail alpha
	# beta gets persist: with no process yet, a jail without it would go away at
	#   once (jail -r removes it either way)
	vnet_mkjail beta
	epair0=$(vnet_mkepair)  # epair0a and epair0b in the script
	ifconfig ${epair0}b vnet alpha
	jexec alpha ifconfig ${epair0}b inet 198.51.100.1/24
	jexec alpha ifconfig gre7 create
	jexec alpha ifconfig gre7 tunnel 198.51.100.1 198.51.100.9
	jexec beta ifconfig wg3 create
	jexec beta ifconfig bridge0 create
	jexec beta sleep 60 &
	jexec beta sleep 61 &
	sleep 1  # let the background processes start
	atf_check -s exit:0 -o ignore jail -r beta
	atf_check -s exit:0 -o ignore jail -r alpha
	atf_check -s exit:0 -o ignore jail -r alpha
	atf_check -s not-exit:0 -e ignore jls -j beta
	atf_check -s not-exit:0 -e ignore jls -j alpha
}

two_jails_gre_wg_cleanup()
{
	vnet_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case "two_jails_gre_wg"
}
