//! Category `db`: the table of positives and look-alikes, then the tests that need
//! more than a table row.

use blockwatch_lint::{Category, Config};

use super::{assert_clean, assert_flags, Table};

pub(crate) const TABLE: Table = Table {
    category: Category::Db,
    config: Config::default,
    positives: &[
        (
            "async fn f() { rusqlite::Connection::open(\"a.db\"); }",
            &["rusqlite::Connection::open"],
        ),
        (
            "type DbPool = r2d2::Pool<M>; \
                 async fn index(pool: actix_web::web::Data<DbPool>) { pool.get(); }",
            &["r2d2::Pool::get"],
        ),
        (
            "use diesel::r2d2::Pool; struct S { pool: std::sync::Arc<Pool<M>> } \
                 impl S { async fn f(&self) { let pool = self.pool.clone(); pool.get(); } }",
            &["r2d2::Pool::get"],
        ),
    ],
    lookalikes: &[
        "async fn f() { tokio_postgres::connect(\"a\", t).await; }",
        "async fn f(pool: deadpool_postgres::Pool) { pool.get().await; }",
        "async fn f(m: std::collections::HashMap<u8, u8>) { m.get(&1); }",
        "type DbPool = bb8::Pool<M>; async fn f(pool: DbPool) { pool.get(); }",
    ],
};

#[test]
fn sync_db() {
    assert_flags(
        r#"use rusqlite::Connection;
        async fn f() {
            let conn = Connection::open("db").unwrap();
            conn.execute("x", []).unwrap();
            let mut client = postgres::Client::connect("host=x", NoTls).unwrap();
            client.query("SELECT 1", &[]);
        }"#,
        &[
            "rusqlite::Connection::open",
            "rusqlite::Connection::execute",
            "postgres::Client::connect",
            "postgres::Client::query",
        ],
    );
    assert_flags(
        "use diesel::prelude::*; async fn f(conn: &mut PgConnection) { let u = users.filter(id.eq(1)).load::<User>(conn); }",
        &["diesel::RunQueryDsl::load"],
    );
}

#[test]
fn diesel_methods_need_diesel_in_scope() {
    assert_clean("async fn f(conn: &mut C) { let v = q.load(conn); let r = q.first(conn); q.execute(conn); }");
}
