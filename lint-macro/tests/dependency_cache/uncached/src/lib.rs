//! A dependency whose fn blocks, with no cached summary: the attribute cannot know.

/// Reads the settings file, blocking the calling thread.
pub fn load_settings() -> Vec<u8> {
    std::fs::read("settings.toml").unwrap_or_default()
}
