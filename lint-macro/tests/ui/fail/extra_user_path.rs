// A user's own blocking fn, declared on the attribute with its replacement.
mod legacy {
    pub fn query_sync(sql: &str) -> usize {
        sql.len()
    }
}

#[blockwatch::no_blocking(extra(legacy::query_sync => "legacy::query(..).await"))]
async fn count() -> usize {
    legacy::query_sync("select count(*) from users")
}

fn main() {
    let _ = count();
}
