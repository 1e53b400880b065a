//! The share dialog: the link (with its length and a warning for mail), "Copy link",
//! "Copy for mailing list", "Open at this step", and the embed snippet.
//!
//! Invariants:
//! - A shared link never carries the embed flag; the embed snippet's link always does.
//! - The mailing-list text puts the link alone on its line inside `<…>` (RFC 3986
//!   appendix C), then the scenario script, then each lane's plain-text trace, so the mail
//!   still works if the link is mangled, then the scenario across the kernel releases
//!   (the answer to "does 14.2 have this?"). Trace lines are at most 72 columns
//!   (`engine::render::text`, `engine::explore::releases::table_text`).
//! - Pure text builders here; the clipboard is reached only through `platform`.

use crate::engine::Trace;
use crate::engine::render;
use crate::share::link::{self, LinkState};
use crate::ui::platform;
use crate::ui::state::Run;
use std::rc::Rc;
use yew::prelude::*;

/// Longest line SMTP allows (RFC 5322 §2.1.1): a longer link breaks in some mail paths.
pub const MAIL_LINE_LIMIT: usize = 998;

/// The link to share: the app's address, `#`, and the fragment (step 0 unless `at_step`).
pub fn share_url(base: &str, state: &LinkState, at_step: bool, embed: bool) -> String {
    let mut s = state.clone();
    s.embed = embed;
    if !at_step {
        s.step = 0;
    }
    format!("{base}#{}", link::encode(&s))
}

/// The HTML to embed a read-only view in a page.
pub fn embed_snippet(embed_url: &str) -> String {
    format!(
        "<iframe src=\"{embed_url}\" width=\"960\" height=\"640\" style=\"border:0;max-width:100%\" \
         loading=\"lazy\" title=\"vnet-playground: a jail/VNET teardown, step by step\"></iframe>"
    )
}

/// The text for a mailing list: `<link>`, the script, both lanes' traces, and the
/// across-releases table when there is one.
pub fn mail_text(
    url: &str,
    script: &str,
    traces: [Option<&Trace>; 2],
    across: Option<&str>,
) -> String {
    let mut out = format!(
        "{}\n\nThe scenario (paste it into the script view of vnet-playground if the\nlink is damaged):\n\n",
        link::wrap_link_for_mail(url)
    );
    out.push_str(script.trim_end());
    out.push('\n');
    for (i, t) in traces.iter().enumerate() {
        let lane = if i == 0 { 'A' } else { 'B' };
        out.push_str(&format!("\nLane {lane}:\n"));
        match t {
            Some(t) => out.push_str(render::text(t).trim_end()),
            None => out.push_str("(this lane does not build)"),
        }
        out.push('\n');
    }
    if let Some(a) = across {
        out.push('\n');
        out.push_str(a.trim_end());
        out.push('\n');
    }
    out
}

/// A dialog's keydown handler: Escape closes it (and goes no further).
pub fn close_on_escape(close: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            close.emit(());
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub link: Rc<LinkState>,
    pub script: String,
    pub runs: Rc<[Run; 2]>,
    pub on_close: Callback<()>,
}

/// The share dialog (modal).
#[function_component(ShareDialog)]
pub fn share_dialog(p: &ShareProps) -> Html {
    let at_step = use_state(|| p.link.step > 0);
    let status = use_state(|| None::<String>);
    let base = platform::page_url();
    let url = share_url(&base, &p.link, *at_step, false);
    let embed = embed_snippet(&share_url(&base, &p.link, *at_step, true));
    let fragment_len = url.split_once('#').map_or(0, |(_, f)| f.chars().count());
    let len = url.chars().count();
    use_effect_with((), |_| platform::focus_testid("share-close"));
    let copy = |what: &'static str, text: String, area: &'static str| {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            platform::copy_text(
                &text,
                area,
                Callback::from(move |ok: bool| {
                    status.set(Some(if ok {
                        format!("Copied {what}.")
                    } else {
                        format!("The clipboard is not available here: {what} is selected, press Ctrl+C (⌘C) to copy it.")
                    }))
                }),
            );
        })
    };
    let traces = [0, 1].map(|i| p.runs[i].as_ref().ok().map(|t| t.as_ref()));
    // Lane A's re-registrations under every release and order: computed once per
    // scenario and lanes while the dialog is open.
    let across =
        use_memo((p.link.scenario.clone(), p.link.lanes[0].extra.clone()), |(sc, extra)| {
            let a = crate::engine::explore::releases::across(sc, extra);
            a.rows
                .iter()
                .any(|r| r.cells.iter().any(|(_, c)| c.is_ok()))
                .then(|| crate::engine::explore::releases::table_text(&a))
        });
    let mail = mail_text(&url, &p.script, traces, (*across).as_deref());
    let copy_link = copy("the link", url.clone(), "share-link");
    let copy_mail = copy("the mail text", mail.clone(), "share-mail");
    let copy_embed = copy("the embed snippet", embed.clone(), "share-embed");
    let toggle_step = {
        let at_step = at_step.clone();
        Callback::from(move |e: Event| at_step.set(platform::checked_of(&e)))
    };
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let onkeydown = close_on_escape(p.on_close.clone());
    html! {
        <div class="overlay" data-testid="share-dialog" {onkeydown}>
            <div class="dialog share" role="dialog" aria-modal="true" aria-labelledby="share-title">
                <h2 id="share-title">{"Share this scenario"}</h2>
                <p class="muted">{"Everything is in the link's fragment (after #), which is never sent to a server."}</p>
                <label class="field-label" for="share-link">{"Link"}</label>
                <textarea id="share-link" class="share-text" data-testid="share-link" readonly=true rows="3" value={url.clone()} />
                <div class="share-meta">
                    <span data-testid="share-length">{format!("{len} characters ({fragment_len} after #)")}</span>
                    <label class="check">
                        <input type="checkbox" data-testid="share-at-step" checked={*at_step} onchange={toggle_step} />
                        {format!(" Open at this step (step {})", p.link.step)}
                    </label>
                </div>
                if len > MAIL_LINE_LIMIT {
                    <p class="warn" data-testid="share-warning" role="status">
                        {format!("This link is {len} characters long: over the {MAIL_LINE_LIMIT}-character line limit of mail, so some mail paths will break it. \"Copy for mailing list\" also puts the scenario script in the mail, so readers can rebuild it.")}
                    </p>
                }
                <div class="share-actions">
                    <button class="primary" data-testid="copy-link" onclick={copy_link}>{"Copy link"}</button>
                    <button data-testid="copy-mail" onclick={copy_mail}>{"Copy for mailing list"}</button>
                </div>
                <details class="share-more">
                    <summary>{"Mailing-list text"}</summary>
                    <textarea class="share-text mono" data-testid="share-mail" readonly=true rows="8" value={mail} />
                </details>
                <label class="field-label" for="share-embed">{"Embed (read-only, for a page or slides)"}</label>
                <textarea id="share-embed" class="share-text" data-testid="share-embed" readonly=true rows="3" value={embed} />
                <div class="share-actions">
                    <button data-testid="copy-embed" onclick={copy_embed}>{"Copy embed snippet"}</button>
                    <button data-testid="share-close" onclick={close}>{"Close"}</button>
                </div>
                <p class="muted" data-testid="share-status" role="status" aria-live="polite">{ (*status).clone().unwrap_or_default() }</p>
            </div>
        </div>
    }
}
