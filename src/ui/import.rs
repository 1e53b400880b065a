//! The import dialog: paste what a real FreeBSD system prints (`jls -n`, `ifconfig -a`,
//! `jexec J ifconfig -a`, `netstat -rn`) and get the scenario that builds it.
//!
//! Invariants:
//! - The engine reads the paste (`engine::input::import`); this component only shows the
//!   scenario it made, what could not be inferred, and the errors with their line numbers.
//! - Nothing of the user's work changes until "Open this scenario"; that is one undoable
//!   edit, so Undo brings the previous scenario back. A paste with errors cannot be opened.

use crate::engine::input::import::{Imported, import};
use crate::engine::print_script;
use crate::ui::platform;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    pub dispatch: Callback<Action>,
    pub on_close: Callback<()>,
}

/// The import dialog (modal).
#[function_component(ImportDialog)]
pub fn import_dialog(p: &ImportProps) -> Html {
    let read = use_state(|| None::<(Imported, String)>);
    use_effect_with((), |_| platform::focus_testid("import-text"));
    let oninput = {
        let read = read.clone();
        Callback::from(move |e: InputEvent| {
            let text = platform::value_of(&e);
            if text.trim().is_empty() {
                read.set(None);
            } else {
                let got = import(&text);
                let script = print_script(&got.scenario);
                read.set(Some((got, script)));
            }
        })
    };
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let open = {
        let (read, d, c) = (read.clone(), p.dispatch.clone(), p.on_close.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some((got, _)) = &*read
                && got.errors.is_empty()
            {
                d.emit(Action::LoadScenario(got.scenario.clone(), got.kernel));
                c.emit(());
            }
        })
    };
    let onkeydown = crate::ui::share::close_on_escape(p.on_close.clone());
    let can_open = (*read).as_ref().is_some_and(|(g, _)| g.errors.is_empty());
    html! {
        <div class="overlay" data-testid="import-dialog" {onkeydown}>
            <div class="dialog share" role="dialog" aria-modal="true" aria-labelledby="import-title">
                <h2 id="import-title">{"Import from a FreeBSD system"}</h2>
                <p class="muted">{"Paste what the host prints: jls -n (or jls -v), ifconfig -a, netstat -rn, and for each jail a line such as \"jexec j1 ifconfig -a\" followed by its output. Nothing changes until you open the scenario, and Undo brings your current one back."}</p>
                <label class="field-label" for="import-text">{"Output of jls, ifconfig and netstat"}</label>
                <textarea id="import-text" class="share-text" data-testid="import-text" rows="6" spellcheck="false" {oninput}
                    placeholder="# jls -n\njid=1 name=j1 ... vnet=new ...\n# ifconfig -a\n...\n# jexec j1 ifconfig -a\n..." />
                <div class="import-result">
                { match &*read {
                    None => html! {},
                    Some((got, script)) => html! {
                        <>
                        if !got.errors.is_empty() {
                            <div class="import-errors" data-testid="import-errors" role="alert">
                                <strong>{format!("{} line{} could not be read:", got.errors.len(), if got.errors.len() == 1 { "" } else { "s" })}</strong>
                                <ul>{ for got.errors.iter().map(|e| html! { <li>{format!("line {}: {}", e.line, e.message)}</li> }) }</ul>
                            </div>
                        }
                        <label class="field-label" for="import-preview">{"The scenario"}</label>
                        <textarea id="import-preview" class="share-text mono" data-testid="import-preview" readonly=true rows="6" value={script.clone()} />
                        if !got.notes.is_empty() {
                            <details class="share-more" data-testid="import-notes" open=true>
                                <summary>{format!("What could not be inferred ({})", got.notes.len())}</summary>
                                <ul>{ for got.notes.iter().map(|n| html! { <li>{n}</li> }) }</ul>
                            </details>
                        }
                        </>
                    },
                } }
                </div>
                <div class="share-actions dialog-actions">
                    <button class="primary" data-testid="import-open" onclick={open} disabled={!can_open}>{"Open this scenario"}</button>
                    <button data-testid="import-close" onclick={close}>{"Close"}</button>
                </div>
            </div>
        </div>
    }
}
