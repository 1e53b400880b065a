//! Share-link properties: encode/decode round-trips, the golden v1 links keep decoding
//! to the same states forever, and 100,000+ random and mail-mangled fragments never
//! panic the decoder (each gives a clear error or a valid state).

use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vnet_playground::engine::input::scenario::*;
use vnet_playground::engine::input::script;
use vnet_playground::engine::kernel::si::Slot;
use vnet_playground::engine::trace::{Kernel, StageOrder};
use vnet_playground::share::{LaneState, LinkState, decode, encode};

// ---------------------------------------------------------------------------------------
// Round trip of arbitrary states (any strings, not only script-valid ones)

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec!["j1", "gif0", "epair0b", "sleep 1000", ""])
            .prop_map(String::from),
        any::<String>(),
    ]
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|b| IpAddr::V4(Ipv4Addr::from(b))),
        any::<[u8; 16]>().prop_map(|b| IpAddr::V6(Ipv6Addr::from(b))),
    ]
}

fn op() -> impl Strategy<Value = IfOp> {
    prop_oneof![
        Just(IfOp::Create { vxlan: None }),
        (
            any::<u32>(),
            proptest::option::of(ip()),
            proptest::option::of(ip()),
            proptest::option::of(text())
        )
            .prop_map(|(id, local, remote, dev)| IfOp::Create {
                vxlan: Some(VxlanArgs { id, local, remote, dev })
            }),
        (ip(), ip()).prop_map(|(src, dst)| IfOp::Tunnel { src, dst }),
        (ip(), any::<u8>(), proptest::option::of(ip())).prop_map(|(addr, len, dst)| IfOp::Addr {
            addr,
            len,
            dst
        }),
        Just(IfOp::Up),
        any::<u32>().prop_map(IfOp::Fib),
        text().prop_map(|jail| IfOp::Vnet { jail }),
        text().prop_map(|jail| IfOp::Reclaim { jail }),
        Just(IfOp::Destroy),
    ]
}

fn slot() -> impl Strategy<Value = Slot> {
    (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Slot::new(a, b))
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        text().prop_map(|name| Command::KernelOption { name }),
        (text(), any::<bool>(), any::<bool>(), proptest::option::of(any::<u32>())).prop_map(
            |(name, vnet, persist, children_max)| Command::JailCreate {
                name,
                vnet,
                persist,
                children_max
            }
        ),
        (proptest::option::of(text()), text(), op())
            .prop_map(|(jail, ifname, op)| Command::Ifconfig { jail, ifname, op }),
        (
            proptest::option::of(text()),
            proptest::option::of(prop_oneof![Just(RouteFlag::Net), Just(RouteFlag::Host)]),
            ip(),
            any::<u8>(),
            prop_oneof![ip().prop_map(Gateway::Addr), text().prop_map(Gateway::Interface)],
        )
            .prop_map(|(jail, flag, addr, len, gateway)| Command::RouteAdd {
                jail,
                flag,
                dest: Prefix { addr, len },
                gateway
            }),
        (text(), text()).prop_map(|(jail, argv)| Command::Process { jail, argv }),
        (text(), slot()).prop_map(|(func, slot)| Command::Sysuninit { func, slot }),
        text().prop_map(|name| Command::JailRemove { name }),
        text().prop_map(|jail| Command::NoReap { jail }),
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        proptest::collection::vec(text(), 0..2),
        command(),
        proptest::option::of(text()),
        proptest::option::of(any::<(i16, i16)>()),
    )
        .prop_map(|(comments, command, trailing, pos)| Entry {
            comments,
            command,
            trailing,
            pos,
        })
}

fn lane() -> impl Strategy<Value = LaneState> {
    (
        proptest::sample::select(Kernel::ALL.to_vec()),
        proptest::sample::select(StageOrder::ALL.to_vec()),
        proptest::collection::vec((text(), slot()), 0..3),
    )
        .prop_map(|(kernel, order, extra)| LaneState { kernel, order, extra })
}

fn state() -> impl Strategy<Value = LinkState> {
    (
        proptest::collection::vec(entry(), 0..20),
        proptest::collection::vec(text(), 0..3),
        lane(),
        lane(),
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(|(entries, tail_comments, a, b, step, embed)| LinkState {
            scenario: Scenario { entries, tail_comments }.into(),
            lanes: [a, b],
            step,
            embed,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn links_round_trip(s in state()) {
        let link = encode(&s);
        prop_assert!(link.starts_with("v2."));
        prop_assert_eq!(decode(&link), Ok(s.clone()));
        prop_assert_eq!(decode(&format!("#{link}")), Ok(s));
    }
}

// ---------------------------------------------------------------------------------------
// Golden links: the v1 format, frozen. The seed is spelled out here on purpose, not taken
// from engine::presets: if the preset ever changes, old links must still decode to this.

const SEED: &str = "\
options ROUTE_CACHE
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jail -r j1
";

const SAMPLE: &str = "\
options ROUTE_CACHE                      # kernel built with the tunnel nexthop-cache prototype [P]
jail -c name=j1 vnet persist             # name=j1.j2 makes a child
ifconfig epair0 create                   # in the host: makes epair0a and epair0b
ifconfig epair0b vnet j1                 # loan an interface into a jail
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jexec j1 sleep 1000 &                    # a process in the jail
sysuninit vnet_gif_uninit SI_SUB_PROTO_IFATTACHDOMAIN SI_ORDER_ANY   # what-if re-registration
jail -r j1                               # the teardown to simulate
";

const EVERYTHING: &str = "\
# Every command form, both families.
options ROUTE_CACHE
jail -c name=j1 vnet persist children.max=2
jail -c name=j1.j2 vnet
jail -c name=plain
ifconfig vxlan0 create vxlanid 42 vxlanlocal 198.51.100.1 vxlanremote 198.51.100.2 vxlandev epair1a
ifconfig epair create
ifconfig epair1b vnet j1.j2  # loaned
jexec j1.j2 ifconfig gre0 create
jexec j1.j2 ifconfig gre0 tunnel 2001:db8::1 2001:db8::2
jexec j1.j2 ifconfig gre0 inet6 fd00::1/64 fd00::2
jexec j1.j2 ifconfig gre0 fib 1
jexec j1.j2 ifconfig gre0 up
jexec j1.j2 route add -host -inet6 fd00::9/128 -interface gre0
jexec j1.j2 route add -inet6 default fd00::2
route add default 198.51.100.254
ifconfig epair1b -vnet j1.j2
jexec j1 ifconfig wg0 create
jexec j1 ifconfig wg0 destroy
jexec plain nc -l 8080 &  # a listener — ünïcode
sysuninit vnet_gre_uninit SI_SUB_PROTO_DOMAIN 0x1234
jail -r j1.j2
jail -r j1
# the end
";

fn lanes(a: StageOrder, b: StageOrder) -> [LaneState; 2] {
    [
        LaneState { kernel: Kernel::Main, order: a, extra: vec![] },
        LaneState { kernel: Kernel::Main, order: b, extra: vec![] },
    ]
}

fn golden_states() -> Vec<(&'static str, LinkState)> {
    let parse = |t: &str| script::parse(t).expect("golden scripts parse");
    let mut at_fault = LinkState {
        scenario: parse(SEED).into(),
        lanes: lanes(StageOrder::Legacy, StageOrder::PrisonCleanup),
        step: 17,
        embed: true,
    };
    at_fault.lanes[1].extra.push(("vnet_gif_uninit".into(), Slot::new(0x880_0000, 1)));
    let mut everything = LinkState {
        scenario: parse(EVERYTHING).into(),
        lanes: lanes(StageOrder::VnetShutdown, StageOrder::Legacy),
        step: 3,
        embed: false,
    };
    std::rc::Rc::make_mut(&mut everything.scenario).entries[1].pos = Some((-120, 340));
    std::rc::Rc::make_mut(&mut everything.scenario).entries[2].pos = Some((0, 0));
    everything.lanes[0].extra.push(("my_uninit".into(), Slot::new(0xDC0_0000, 0xFFF_FFFF)));
    vec![
        (
            "seed",
            LinkState {
                scenario: parse(SEED).into(),
                lanes: lanes(StageOrder::Legacy, StageOrder::VnetShutdown),
                step: 0,
                embed: false,
            },
        ),
        ("seed-at-fault-embed", at_fault),
        (
            "seed-v2",
            LinkState {
                scenario: parse(SEED).into(),
                lanes: lanes(StageOrder::Legacy, StageOrder::VnetShutdown),
                step: 0,
                embed: false,
            },
        ),
        (
            "issue-3-sample",
            LinkState {
                scenario: parse(SAMPLE).into(),
                lanes: lanes(StageOrder::Legacy, StageOrder::VnetShutdown),
                step: 0,
                embed: false,
            },
        ),
        ("everything", everything),
        ("empty", LinkState::default()),
        (
            "pre-d32835-on-13.0-and-13.x",
            LinkState {
                scenario: parse(SEED).into(),
                lanes: [
                    LaneState { kernel: Kernel::R13_0, order: StageOrder::Legacy, extra: vec![] },
                    LaneState { kernel: Kernel::R13, order: StageOrder::Legacy, extra: vec![] },
                ],
                step: 0,
                embed: false,
            },
        ),
    ]
}

const GOLDEN: &str = "tests/golden_links.txt";

/// Every golden line decodes to the state of its name, and every state has a line. The
/// v1 lines were written before lanes had kernels and stay frozen: they open on main.
/// `UPDATE_GOLDEN_LINKS=1` appends a line (in today's format) for a state that has none;
/// it never rewrites a line.
#[test]
fn golden_links_decode_to_the_same_states() {
    let states = golden_states();
    let mut file = std::fs::read_to_string(GOLDEN).expect("tests/golden_links.txt exists");
    let named = |file: &str, name: &str| {
        file.lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l.split_once(' ').is_some_and(|(n, _)| n == name))
    };
    if std::env::var_os("UPDATE_GOLDEN_LINKS").is_some() {
        for (name, s) in &states {
            if !named(&file, name) {
                file.push_str(&format!("{name} {}\n", encode(s)));
            }
        }
        std::fs::write(GOLDEN, &file).expect("write golden links");
    }
    let golden: Vec<(&str, &str)> = file
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .collect();
    for (name, link) in &golden {
        let state = states.iter().find(|(n, _)| n == name).map(|(_, s)| s);
        let state = state.unwrap_or_else(|| panic!("golden link {name} has no state"));
        assert_eq!(decode(link).as_ref(), Ok(state), "golden link {name}");
    }
    for (name, state) in &states {
        assert!(named(&file, name), "no golden link named {name}");
        assert_eq!(decode(&encode(state)).as_ref(), Ok(state), "{name}");
    }
    assert!(golden.iter().any(|(_, l)| l.starts_with("v1.")), "the v1 lines are kept");
    assert!(golden.iter().any(|(_, l)| l.starts_with("v2.")), "v2 is pinned too");
    let seed = encode(&states[0].1).len();
    assert!(seed <= 150, "the seed link is {seed} characters");
}

// ---------------------------------------------------------------------------------------
// 100,000+ random and mutated fragments never panic

/// xorshift64*: a tiny deterministic PRNG, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const JUNK: &[&str] =
    &["\n", "\r\n", "> ", "=\n", "=3D", "=", " ", "<", ">", "%20", "é", "\u{0}", "#", "v2.", "."];

fn mutate(rng: &mut Rng, link: &str) -> String {
    let mut chars: Vec<char> = link.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(7) {
            0 => chars.truncate(at),
            1 if at < chars.len() => chars[at] = ALPHABET[rng.below(ALPHABET.len())] as char,
            2 if at < chars.len() => {
                // flip one bit of the 6-bit value
                if let Some(v) = ALPHABET.iter().position(|&c| c as char == chars[at]) {
                    chars[at] = ALPHABET[v ^ (1 << rng.below(6))] as char;
                }
            }
            3 => {
                let junk = JUNK[rng.below(JUNK.len())];
                chars.splice(at..at, junk.chars());
            }
            4 if at < chars.len() => {
                chars.remove(at);
            }
            5 => chars.insert(at, char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('?')),
            _ => {
                let extra = rng.below(6);
                chars.splice(at..at, (0..extra).map(|_| ALPHABET[rng.below(64)] as char));
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_and_mangled_fragments_never_panic() {
    let states = golden_states();
    let links: Vec<String> = states.iter().map(|(_, s)| encode(s)).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut err) = (0usize, 0usize);
    let n = 120_000;
    for i in 0..n {
        let fragment = match i % 4 {
            0 => {
                let len = rng.below(200);
                let body: String = (0..len).map(|_| ALPHABET[rng.below(64)] as char).collect();
                format!("v{}.{body}", 1 + i % 8 / 4)
            }
            1 => {
                let len = rng.below(120);
                let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => {
                let base = &links[rng.below(links.len())];
                mutate(&mut rng, base)
            }
        };
        match decode(&fragment) {
            Ok(state) => {
                ok += 1;
                // A valid state: it encodes and decodes to itself.
                assert_eq!(decode(&encode(&state)), Ok(state), "fragment {fragment:?}");
            }
            Err(e) => {
                err += 1;
                assert!(e.to_string().len() > 20, "unclear error {e:?} for {fragment:?}");
            }
        }
    }
    assert_eq!(ok + err, n);
    println!("{n} fragments: {ok} decoded to valid states, {err} gave clear errors");
}
