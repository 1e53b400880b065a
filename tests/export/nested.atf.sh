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
# Per release, legacy: 13.0 panic, 13.x clean, 14.x clean, 14.3 clean, 15.0
#   clean, main clean. (uname -r on the host says which line applies.)

. $(atf_get_srcdir)/../common/vnet.subr

atf_test_case "nested" "cleanup"
nested_head()
{
	atf_set descr 'a jail teardown from vnet-playground'
	atf_set require.user root
}

nested_body()
{
	vnet_init
	kldstat -q -m if_epair || kldload -n if_epair || atf_skip "This test needs if_epair"
	kldstat -q -m if_gif || kldload -n if_gif || atf_skip "This test needs if_gif"
	# p gets children.max=1: the jails under it (a child's children.max must stay
	#   below its parent's)
	vnet_mkjail p
	jail -m name=p children.max=1
	vnet_mkjail p.c
	epair0=$(vnet_mkepair)  # epair0a and epair0b in the script
	ifconfig ${epair0}b vnet p.c
	jexec p.c ifconfig ${epair0}b inet 192.0.2.1/24
	jexec p ifconfig gif0 create
	jexec p ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
	jexec p.c sleep 1000 &
	sleep 1  # let the background processes start
	atf_check -s exit:0 -o ignore jail -r p
	atf_check -s not-exit:0 -e ignore jls -j p
}

nested_cleanup()
{
	vnet_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case "nested"
}
