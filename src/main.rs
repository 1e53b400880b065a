//! The browser entry point: mounts the Yew app. Natively it only explains itself, so that
//! `cargo test` and `cargo build` work on the host; the native tool is `vnet-trace`.

#[cfg(target_arch = "wasm32")]
fn main() {
    vnet_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "vnet-playground is a web app: run `make serve`. The command-line tool is `vnet-trace`."
    );
}
