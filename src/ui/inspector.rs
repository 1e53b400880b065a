//! The inspector: edits the selected jail or interface (name, persist, processes, routes,
//! addresses, tunnel endpoints, fib, where it lives, and the what-if SYSUNINIT slot of its
//! driver's destructor).
//!
//! Invariants: every field dispatches an `Action` that edits the scenario's commands; a
//! field the user typed wrongly shows its error inline and dispatches nothing. Fields are
//! keyed by the selection, so switching objects never carries a half-typed value over.

use crate::engine::input::canvas::{Loc, Sel, Summary};
use crate::engine::kernel::si::{self, Slot};
use crate::engine::{Driver, Gateway, IfOp};
use crate::ui::platform;
use crate::ui::state::Action;
use std::net::IpAddr;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub summary: Rc<Summary>,
    pub selection: Option<Sel>,
    pub dispatch: Callback<Action>,
}

fn parse_addr(text: &str) -> Result<(IpAddr, u8, Option<IpAddr>), String> {
    let mut parts = text.split_whitespace();
    let first = parts.next().ok_or("an address, e.g. 10.0.0.1/30 10.0.0.2")?;
    let (a, len) = match first.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (first, None),
    };
    let addr: IpAddr = a.parse().map_err(|_| format!("{a} is not an IP address"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) => l
            .parse::<u8>()
            .ok()
            .filter(|l| *l <= max)
            .ok_or(format!("/{l} is not a prefix length"))?,
        None => max,
    };
    let dst = match parts.next() {
        Some(d) => Some(d.parse().map_err(|_| format!("{d} is not an IP address"))?),
        None => None,
    };
    Ok((addr, len, dst))
}

/// The inspector panel.
#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let error = use_state(|| None::<String>);
    let src_ref = use_node_ref();
    let dst_ref = use_node_ref();
    {
        let error = error.clone();
        use_effect_with(p.selection.clone(), move |_| error.set(None));
    }
    let Some(sel) = p.selection.clone() else {
        return html! {
            <div class="inspector empty" data-testid="inspector">
                <h2>{"Inspector"}</h2>
                <p class="muted">{"Select a jail or an interface to edit it. Drag items from the palette onto the canvas, or Tab to a palette item and press Enter to add it to the selected jail."}</p>
            </div>
        };
    };
    // The canvas test id names the object uniquely (and, unlike a Debug string, pulls no
    // Unicode escaping tables into the wasm).
    let key = sel.test_id();
    let d = p.dispatch.clone();
    let set_err = {
        let error = error.clone();
        move |e: Option<String>| error.set(e)
    };
    let rename = {
        let d = d.clone();
        let sel = sel.clone();
        Callback::from(move |e: Event| {
            d.emit(Action::Rename { sel: sel.clone(), name: platform::value_of(&e) })
        })
    };
    let delete = {
        let d = d.clone();
        let sel = sel.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Delete(sel.clone())))
    };
    let body = match &sel {
        Sel::Jail(name) => {
            let Some(j) = p.summary.jail(name) else { return html! {} };
            let persist = {
                let d = d.clone();
                let jail = name.clone();
                Callback::from(move |e: Event| {
                    d.emit(Action::SetPersist { jail: jail.clone(), on: platform::checked_of(&e) })
                })
            };
            let noreap = {
                let d = d.clone();
                let jail = name.clone();
                Callback::from(move |e: Event| {
                    d.emit(Action::SetNoReap { jail: jail.clone(), on: platform::checked_of(&e) })
                })
            };
            let add_proc = {
                let d = d.clone();
                let jail = name.clone();
                Callback::from(move |_: MouseEvent| {
                    d.emit(Action::AddProcess { jail: jail.clone() })
                })
            };
            let loc: Loc = Some(name.clone());
            html! {
                <>
                    <div class="field">
                        <label for="insp-name">{"Jail name"}</label>
                        <input id="insp-name" data-testid="inspector-name" value={j.short().to_string()} onchange={rename} />
                    </div>
                    <div class="row">
                        <span class="tag">{ if j.vnet { "own vnet" } else { "shares its parent's vnet" } }</span>
                        <label class="check"><input type="checkbox" data-testid="inspector-persist" checked={j.persist} onchange={persist} />{"persist"}</label>
                    </div>
                    <div class="row">
                        <span>{format!("{} process{}", j.processes, if j.processes == 1 { "" } else { "es" })}</span>
                        <button class="small" data-testid="inspector-add-process" onclick={add_proc}>{"+ process"}</button>
                    </div>
                    <div class="row">
                        <label class="check" title="What-if: the parents of this jail's processes never wait for them (a stopped parent, say), so each stays a zombie whose cred keeps the jail referenced (noreap)">
                            <input type="checkbox" data-testid="inspector-noreap" checked={j.noreap} onchange={noreap} />{"processes never reaped (what-if)"}
                        </label>
                    </div>
                    {routes_of(&p.summary, &loc, &d)}
                </>
            }
        }
        Sel::Iface { loc, name } => {
            let Some(f) = p.summary.iface(loc, name) else { return html! {} };
            let implicit = f.entry.is_none();
            let tunnel_fields = f.is_tunnel().then(|| {
                let (src, dst) = f.tunnel.map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
                let on_tunnel = {
                    let d = d.clone();
                    let loc = loc.clone();
                    let name = name.clone();
                    let set_err = set_err.clone();
                    let (src_ref, dst_ref) = (src_ref.clone(), dst_ref.clone());
                    Callback::from(move |_: Event| {
                        let (s, t) = (platform::input_value(&src_ref), platform::input_value(&dst_ref));
                        let (s, t) = (s.trim(), t.trim());
                        if s.is_empty() || t.is_empty() {
                            // Wait for both ends before writing the line.
                            return;
                        }
                        match (s.parse::<IpAddr>(), t.parse::<IpAddr>()) {
                            (Ok(src), Ok(dst)) if src.is_ipv4() == dst.is_ipv4() => {
                                set_err(None);
                                let op = IfOp::Tunnel { src, dst };
                                d.emit(Action::SetIfaceProp { loc: loc.clone(), name: name.clone(), kind: op.clone(), op: Some(op) });
                            }
                            (Ok(_), Ok(_)) => set_err(Some("both tunnel ends must be IPv4, or both IPv6".into())),
                            (Err(_), _) => set_err(Some(format!("{s} is not an IP address"))),
                            (_, Err(_)) => set_err(Some(format!("{t} is not an IP address"))),
                        }
                    })
                };
                html! {
                    <fieldset class="field">
                        <legend>{"Tunnel endpoints (outer)"}</legend>
                        <div class="pair">
                            <input data-testid="inspector-tunnel-src" aria-label="Tunnel source address" placeholder="192.0.2.1" value={src} ref={src_ref.clone()} onchange={on_tunnel.clone()} />
                            <span aria-hidden="true">{"→"}</span>
                            <input data-testid="inspector-tunnel-dst" aria-label="Tunnel destination address" placeholder="192.0.2.2" value={dst} ref={dst_ref.clone()} onchange={on_tunnel} />
                        </div>
                    </fieldset>
                }
            });
            let addr_text = f
                .addrs
                .first()
                .map(|(a, l, dst)| match dst {
                    Some(dst) => format!("{a}/{l} {dst}"),
                    None => format!("{a}/{l}"),
                })
                .unwrap_or_default();
            let on_addr = {
                let d = d.clone();
                let loc = loc.clone();
                let name = name.clone();
                let set_err = set_err.clone();
                Callback::from(move |e: Event| {
                    let v = platform::value_of(&e);
                    let kind = IfOp::Addr { addr: IpAddr::from([0, 0, 0, 0]), len: 0, dst: None };
                    if v.trim().is_empty() {
                        set_err(None);
                        d.emit(Action::SetIfaceProp {
                            loc: loc.clone(),
                            name: name.clone(),
                            kind,
                            op: None,
                        });
                        return;
                    }
                    match parse_addr(&v) {
                        Ok((addr, len, dst)) => {
                            set_err(None);
                            d.emit(Action::SetIfaceProp {
                                loc: loc.clone(),
                                name: name.clone(),
                                kind,
                                op: Some(IfOp::Addr { addr, len, dst }),
                            });
                        }
                        Err(m) => set_err(Some(m)),
                    }
                })
            };
            let on_fib = {
                let d = d.clone();
                let loc = loc.clone();
                let name = name.clone();
                let set_err = set_err.clone();
                Callback::from(move |e: Event| {
                    let v = platform::value_of(&e);
                    let kind = IfOp::Fib(0);
                    let op = if v.trim().is_empty() {
                        Ok(None)
                    } else {
                        v.trim().parse::<u32>().map(|n| Some(IfOp::Fib(n)))
                    };
                    match op {
                        Ok(op) => {
                            set_err(None);
                            d.emit(Action::SetIfaceProp {
                                loc: loc.clone(),
                                name: name.clone(),
                                kind,
                                op,
                            });
                        }
                        Err(_) => set_err(Some(format!("{v} is not a fib number"))),
                    }
                })
            };
            // Where it can move: the host and every vnet jail.
            let on_move = {
                let d = d.clone();
                let sel = sel.clone();
                Callback::from(move |e: Event| {
                    let v = platform::value_of(&e);
                    let to = if v == "host" { None } else { Some(v) };
                    d.emit(Action::Reparent { sel: sel.clone(), to });
                })
            };
            let here = loc.clone().unwrap_or_else(|| "host".into());
            let places = std::iter::once("host".to_string())
                .chain(p.summary.jails.iter().filter(|j| j.vnet).map(|j| j.name.clone()));
            // Route to the tunnel's destination through another interface here.
            let route_ui = f.is_tunnel().then(|| {
                let others: Vec<String> = p.summary.ifaces_in(loc).filter(|g| g.name != *name).map(|g| g.name.clone()).collect();
                let on_via = {
                    let d = d.clone();
                    let sel = sel.clone();
                    Callback::from(move |e: Event| {
                        let via = platform::value_of(&e);
                        if !via.is_empty() {
                            d.emit(Action::AddTunnelRoute { tunnel: sel.clone(), via });
                        }
                    })
                };
                let dest = f.tunnel.map(|(_, dst)| dst.to_string()).unwrap_or_else(|| "default".into());
                html! {
                    <fieldset class="field">
                        <legend>{"Route to the tunnel's destination"}</legend>
                        <div class="pair">
                            <code>{dest}</code><span aria-hidden="true">{"via"}</span>
                            <select data-testid="inspector-route-via" aria-label="Add a route via the outer interface"
                                key={p.summary.routes.len()} onchange={on_via} disabled={others.is_empty()}>
                                <option value="" selected=true>{"add route via…"}</option>
                                { for others.iter().map(|o| html! { <option value={o.clone()}>{o}</option> }) }
                            </select>
                        </div>
                    </fieldset>
                }
            });
            // A vlan's parent and tag (`vlan TAG vlandev PARENT`).
            let vlan_ui = (f.driver == Some(Driver::Vlan) && !implicit).then(|| {
                let parents = p.summary.vlan_parents(loc, name);
                let current = f.uplink.clone().unwrap_or_default();
                let tag = f.vlan_tag.unwrap_or(1);
                let on_parent = {
                    let d = d.clone();
                    let (loc, name) = (loc.clone(), name.clone());
                    Callback::from(move |e: Event| {
                        let v = platform::value_of(&e);
                        let cfg = (!v.is_empty()).then_some((tag, v));
                        d.emit(Action::SetVlan { loc: loc.clone(), name: name.clone(), cfg });
                    })
                };
                let on_tag = {
                    let d = d.clone();
                    let (loc, name) = (loc.clone(), name.clone());
                    let set_err = set_err.clone();
                    let parent = f.uplink.clone();
                    Callback::from(move |e: Event| {
                        let v = platform::value_of(&e);
                        match v.trim().parse::<u16>() {
                            Ok(t) if (1..=crate::engine::VLAN_MAX_TAG).contains(&t) => {
                                set_err(None);
                                if let Some(dev) = parent.clone() {
                                    d.emit(Action::SetVlan { loc: loc.clone(), name: name.clone(), cfg: Some((t, dev)) });
                                }
                            }
                            _ => set_err(Some(format!("a vlan tag is a number from 1 to {}", crate::engine::VLAN_MAX_TAG))),
                        }
                    })
                };
                html! {
                    <fieldset class="field">
                        <legend>{"802.1Q (vlan TAG vlandev PARENT)"}</legend>
                        <div class="pair">
                            <input data-testid="inspector-vlan-tag" aria-label="vlan tag" inputmode="numeric" value={tag.to_string()} onchange={on_tag} disabled={f.uplink.is_none()} />
                            <span aria-hidden="true">{"on"}</span>
                            <select data-testid="inspector-vlan-parent" aria-label="vlan parent interface (vlandev)" onchange={on_parent}>
                                <option value="" selected={current.is_empty()}>{"no parent"}</option>
                                { for parents.iter().map(|g| html! { <option value={g.clone()} selected={*g == current}>{g}</option> }) }
                            </select>
                        </div>
                    </fieldset>
                }
            });
            // A bridge's members or a lagg's ports (`addm` / `laggport`).
            let members_ui = (matches!(f.driver, Some(Driver::Bridge | Driver::Lagg)) && !implicit).then(|| {
                let (word, unword) = crate::engine::member_words(name).unwrap_or(("addm", "deletem"));
                let members = p.summary.members(loc, name);
                let candidates = p.summary.member_candidates(loc, name);
                let on_add = {
                    let d = d.clone();
                    let (loc, agg) = (loc.clone(), name.clone());
                    Callback::from(move |e: Event| {
                        let member = platform::value_of(&e);
                        if !member.is_empty() {
                            d.emit(Action::Member { loc: loc.clone(), agg: agg.clone(), member, add: true });
                        }
                    })
                };
                let what = if f.driver == Some(Driver::Lagg) { "Ports" } else { "Members" };
                html! {
                    <fieldset class="field">
                        <legend>{format!("{what} ({word} IF)")}</legend>
                        <ul class="routes" data-testid="inspector-members">
                            { for members.iter().map(|m| {
                                let d = d.clone();
                                let (loc, agg, member) = (loc.clone(), name.clone(), m.clone());
                                let remove = Callback::from(move |_: MouseEvent| d.emit(Action::Member { loc: loc.clone(), agg: agg.clone(), member: member.clone(), add: false }));
                                html! {
                                    <li key={m.clone()}><code>{m}</code>
                                        <button class="link-button" aria-label={format!("{unword} {m}")} title={format!("{unword} {m}")} onclick={remove}>{"✕"}</button>
                                    </li>
                                }
                            }) }
                            if members.is_empty() { <li class="muted">{"none yet"}</li> }
                        </ul>
                        <select data-testid="inspector-add-member" aria-label={format!("{word}: add an interface")} key={members.len()} onchange={on_add} disabled={candidates.is_empty()}>
                            <option value="" selected=true>{format!("{word}…")}</option>
                            { for candidates.iter().map(|c| html! { <option value={c.clone()}>{c}</option> }) }
                        </select>
                    </fieldset>
                }
            });
            // What-ifs: a kernel without one of the driver's hooks.
            let hooks = f.driver.map(crate::engine::driver_hooks).unwrap_or_default();
            let whatifs = (!hooks.is_empty() && !implicit).then(|| html! {
                <div class="field">
                    { for hooks.iter().map(|h| {
                        let on = p.summary.withouts.contains(*h);
                        let d = d.clone();
                        let func = h.to_string();
                        let onchange = Callback::from(move |e: Event| {
                            d.emit(Action::SetWithout { func: func.clone(), on: platform::checked_of(&e) })
                        });
                        html! {
                            <label class="check" key={*h} title={format!("What-if: a kernel in which {h} is not registered (without {h}); FreeBSD has it")}>
                                <input type="checkbox" data-testid={format!("inspector-without-{h}")} checked={on} {onchange} />
                                {"without "}<code>{*h}</code>{" (what-if)"}
                            </label>
                        }
                    }) }
                </div>
            });
            let member_of = p.summary.member_of(f).map(|agg| html! {
                <span class="tag" data-testid="inspector-member-of">{format!("member of {agg}")}</span>
            });
            let sysuninit = f.driver.and_then(crate::engine::destructor).map(|(func, builtin)| {
                let current = p
                    .summary
                    .sysuninits
                    .iter()
                    .find(|(fname, _, _)| fname == func)
                    .map(|(_, s, _)| *s);
                sysuninit_select(func, builtin, current, &d)
            });
            html! {
                <>
                    <div class="field">
                        <label for="insp-name">{"Interface name"}</label>
                        <input id="insp-name" data-testid="inspector-name" value={name.clone()} onchange={rename} disabled={implicit} />
                    </div>
                    <div class="row">
                        <label class="inline">{"Lives in "}
                            <select data-testid="inspector-move" onchange={on_move} disabled={implicit} aria-label="Move the interface to">
                                { for places.map(|pl| html! { <option value={pl.clone()} selected={pl == here}>{pl.clone()}</option> }) }
                            </select>
                        </label>
                        if f.loc != f.home { <span class="tag">{format!("loaned from {}", f.home.as_deref().unwrap_or("host"))}</span> }
                    </div>
                    {member_of}
                    {tunnel_fields}
                    {vlan_ui}
                    {members_ui}
                    <div class="field">
                        <label for="insp-addr">{ if f.is_tunnel() { "Inner address (inet ADDR/LEN [DST])" } else { "Address (inet ADDR/LEN)" } }</label>
                        <input id="insp-addr" data-testid="inspector-addr" placeholder="10.0.0.1/30 10.0.0.2" value={addr_text} onchange={on_addr} disabled={implicit} />
                    </div>
                    <div class="field short">
                        <label for="insp-fib">{"fib"}</label>
                        <input id="insp-fib" data-testid="inspector-fib" inputmode="numeric" placeholder="0" value={f.fib.map(|n| n.to_string()).unwrap_or_default()} onchange={on_fib} disabled={implicit} />
                    </div>
                    {route_ui}
                    {routes_of(&p.summary, loc, &d)}
                    {sysuninit}
                    {whatifs}
                </>
            }
        }
    };
    let implicit = matches!(&sel, Sel::Iface { loc, name } if p.summary.iface(loc, name).is_some_and(|f| f.entry.is_none()));
    html! {
        <div class="inspector" data-testid="inspector" key={key}>
            <h2>{ match &sel { Sel::Jail(j) => format!("Jail {j}"), Sel::Iface { loc, name } => format!("{name} in {}", loc.as_deref().unwrap_or("host")) } }</h2>
            {body}
            if let Some(e) = (*error).clone() { <p class="field-error" role="alert">{e}</p> }
            if !implicit {
                <button class="danger small" data-testid="inspector-delete" onclick={delete}>{"Delete"}</button>
            }
        </div>
    }
}

fn routes_of(s: &Summary, loc: &Loc, d: &Callback<Action>) -> Html {
    let routes: Vec<_> = s.routes.iter().filter(|r| &r.loc == loc).collect();
    if routes.is_empty() {
        return html! {};
    }
    html! {
        <div class="field">
            <span class="label">{format!("Routes in {}", loc.as_deref().unwrap_or("host"))}</span>
            <ul class="routes">
                { for routes.into_iter().map(|r| {
                    let d = d.clone();
                    let i = r.entry;
                    let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::DeleteEntry(i)));
                    let gw = match &r.gateway { Gateway::Addr(a) => a.to_string(), Gateway::Interface(i) => format!("-interface {i}") };
                    html! {
                        <li key={r.entry}>
                            <code>{format!("{}/{} {gw}", r.dest.addr, r.dest.len)}</code>
                            <button class="link-button" aria-label="Delete route" {onclick}>{"✕"}</button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

fn sysuninit_select(
    func: &'static str,
    builtin: Slot,
    current: Option<Slot>,
    d: &Callback<Action>,
) -> Html {
    let shown = current.unwrap_or(builtin);
    let set = |sub: Option<u32>, order: Option<u32>| {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v: Option<u32> = platform::value_of(&e).parse().ok();
            let slot =
                Slot::new(sub.or(v).unwrap_or(shown.sub), order.or(v).unwrap_or(shown.order));
            let slot = if slot == builtin { None } else { Some(slot) };
            d.emit(Action::SetSysuninit { func: func.to_string(), slot });
        })
    };
    let reset = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            d.emit(Action::SetSysuninit { func: func.to_string(), slot: None })
        })
    };
    html! {
        <fieldset class="field whatif">
            <legend>{"What if: SYSUNINIT slot of "}<code>{func}</code></legend>
            <div class="pair">
                <select data-testid="inspector-si-sub" aria-label="SI_SUB" onchange={set(None, Some(shown.order))}>
                    { for si::SUBSYSTEMS.iter().filter(|(_, v)| Slot::new(*v, 0).is_vnet_range()).map(|(n, v)| html! {
                        <option value={v.to_string()} selected={*v == shown.sub}>{n.trim_start_matches("SI_SUB_")}</option>
                    }) }
                </select>
                <select data-testid="inspector-si-order" aria-label="SI_ORDER" onchange={set(Some(shown.sub), None)}>
                    { for si::ORDERS.iter().map(|(n, v)| html! {
                        <option value={v.to_string()} selected={*v == shown.order}>{n.trim_start_matches("SI_ORDER_")}</option>
                    }) }
                </select>
                if current.is_some() {
                    <button class="small" onclick={reset}>{"Reset"}</button>
                }
            </div>
            <p class="muted">{format!("Built in at {}. A moved slot writes a `sysuninit` line; both lanes use it.", builtin.short())}</p>
        </fieldset>
    }
}
