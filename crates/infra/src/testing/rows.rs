//! Rows other modules' tests need before their own: a minimal business
//! partner, so users may reference it (`users.partner_id` is a foreign key to
//! `partners` on PostgreSQL).

use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Inserts a minimal approved partner (an Indian trader, no tax ids) and answers its id.
pub async fn partner_row<C: ConnectionTrait>(db: &C) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let now = chrono::Utc::now();
    let code = format!("BP-TST-TRD-{}", &id.simple().to_string()[24..]);
    let columns = [
        "id",
        "code",
        "application_id",
        "status",
        "entity_class",
        "kyc_status",
        "credit_limit",
        "risk_category",
        "score",
        "capabilities",
        "legal_name",
        "partner_type",
        "entity_type",
        "country",
        "address",
        "contact_name",
        "contact_mobile",
        "commodity_ids",
        "created_at",
        "updated_at",
    ];
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("partners"))
        .columns(columns.map(Alias::new))
        .values_panic([
            id.into(),
            code.into(),
            Uuid::now_v7().into(),
            "approved".into(),
            "business_entity".into(),
            "verified".into(),
            0i64.into(),
            "medium".into(),
            50i32.into(),
            serde_json::json!([]).into(),
            format!("Test Partner {id}").into(),
            "trader".into(),
            "private_limited".into(),
            "IN".into(),
            serde_json::json!({}).into(),
            "Test Contact".into(),
            "+919800000000".into(),
            serde_json::json!([]).into(),
            now.into(),
            now.into(),
        ]);
    db.execute(&insert).await?;
    Ok(id)
}

impl super::TestInfra {
    /// A minimal business partner in this test's database ([`partner_row`]).
    pub async fn partner_row(&self) -> Uuid {
        use crate::infra::Infra;
        partner_row(self.db()).await.expect("insert a test partner")
    }
}
