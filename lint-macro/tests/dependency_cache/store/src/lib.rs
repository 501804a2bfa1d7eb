//! A dependency whose fn blocks: `cargo blockwatch` caches its summary.

/// Reads the settings file, blocking the calling thread.
pub fn load_settings() -> Vec<u8> {
    std::fs::read("settings.toml").unwrap_or_default()
}
