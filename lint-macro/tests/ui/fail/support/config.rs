// A module of `crate_helper_other_file.rs`, in a file of its own.

pub fn settings() -> String {
    std::fs::read_to_string("settings.toml").unwrap_or_default()
}
