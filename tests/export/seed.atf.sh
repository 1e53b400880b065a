# An ATF test case exported by vnet-playground, in the style of FreeBSD's
#   tests/sys/net: put it in that directory (it sources ../common/vnet.subr)
#   and run it with kyua. It needs a kernel with `options VIMAGE` and root.
#
# What vnet-playground predicts (its model follows FreeBSD main):
#   legacy: page fault (rib_unsubscribe: page fault in rib_unsubscribe: gif0's
#     rib subscription (rib inet/fib0) was freed at step 14 by
#     rtables_destroy)
#   vnet-shutdown: clean
#   prison-cleanup: clean
# Only legacy is FreeBSD today; the proposed stage orders (vnet-shutdown,
#   prison-cleanup) exist only in the playground.
# Per release, legacy, stock parts only: 13.0 panic, 13.x clean, 14.x clean,
#   14.3 clean, 15.0 clean, main clean. (uname -r on the host says which line
#   applies.)
# On a stock kernel (without the parts kept as comments), legacy: clean

. $(atf_get_srcdir)/../common/vnet.subr

atf_test_case "seed" "cleanup"
seed_head()
{
	atf_set descr 'a jail teardown from vnet-playground'
	atf_set require.user root
}

seed_body()
{
	vnet_init
	kldstat -q -m if_epair || kldload -n if_epair || atf_skip "This test needs if_epair"
	kldstat -q -m if_gif || kldload -n if_gif || atf_skip "This test needs if_gif"
	# options ROUTE_CACHE: Zhenlei Huang's route-cache prototype for tunnels, not
	#   in FreeBSD; a kernel with it needs gmshake/freebsd-src. Not reproduced
	#   here.
	vnet_mkjail j1
	epair0=$(vnet_mkepair)  # epair0a and epair0b in the script
	ifconfig ${epair0}b vnet j1
	jexec j1 ifconfig ${epair0}b inet 192.0.2.1/24
	jexec j1 ifconfig gif0 create
	jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
	jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
	jexec j1 route add -net 10.1.0.0/16 10.0.0.2
	atf_check -s exit:0 -o ignore jail -r j1
	atf_check -s not-exit:0 -e ignore jls -j j1
}

seed_cleanup()
{
	vnet_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case "seed"
}
