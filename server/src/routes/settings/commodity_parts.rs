//! The generic handlers of commodity children (`/commodities/{id}/varieties`,
//! `/parameters`, `/commission-structures`, through [`crate::routes::children`]) and of the six trade-term masters
//! (`/commodities/terms/{kind}`): one set of handlers per shape, mounted once
//! per kind.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Scope, web};
use infra::AppInfra;
use serde::Deserialize;
use settings::commodities::commissions::Commissions;
use settings::commodities::parameters::Parameters;
use settings::commodities::terms::{
    BargainTypes, DeliveryTerms, PassingTerms, PaymentTerms, TermInput, TermService, TradeTypes,
    WeightmentTerms,
};
use settings::commodities::varieties::Varieties;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{changed, if_match, tagged};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::ApiQuery;
use crate::routes::children;
use crate::state::AppState;
use crate::state::children::TermIn;

/// Adds the routes of every commodity child kind.
pub fn children(scope: Scope) -> Scope {
    let scope = children::routes::<Varieties>(scope, "id", "child_id");
    let scope = children::routes::<Parameters>(scope, "id", "child_id");
    children::routes::<Commissions>(scope, "id", "child_id")
}

/// Adds the routes of every trade-term kind.
pub fn terms(scope: Scope) -> Scope {
    let scope = term_routes::<TradeTypes>(scope);
    let scope = term_routes::<BargainTypes>(scope);
    let scope = term_routes::<PassingTerms>(scope);
    let scope = term_routes::<WeightmentTerms>(scope);
    let scope = term_routes::<DeliveryTerms>(scope);
    term_routes::<PaymentTerms>(scope)
}

/// The five routes of term kind `K` under `/terms/{K::SEGMENT}`.
fn term_routes<K: TermIn>(scope: Scope) -> Scope {
    let base = format!("/terms/{}", K::SEGMENT);
    let item = format!("{base}/{{term_id}}");
    scope
        .route(&base, web::post().to(term_create::<K>))
        .route(&base, web::get().to(term_list::<K>))
        .route(&item, web::get().to(term_get::<K>))
        .route(&item, web::patch().to(term_update::<K>))
        .route(&item, web::delete().to(term_delete::<K>))
}

fn term_service<K: TermIn>(state: &AppState) -> &TermService<AppInfra, K> {
    K::service(&state.children)
}

async fn term_create<K: TermIn>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: ApiJson<TermInput>,
) -> Result<HttpResponse, ApiError> {
    let term = term_service::<K>(&state).create(&caller.0, body.0).await?.value;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), term.id);
    Ok(tagged(StatusCode::CREATED, &term, Some(location)))
}

/// `?active=`, `?limit=` and `?cursor=` of a term list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermQuery {
    active: Option<bool>,
    limit: Option<i64>,
    cursor: Option<String>,
}

async fn term_list<K: TermIn>(
    state: web::Data<AppState>,
    caller: Caller,
    query: ApiQuery<TermQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let page = infra::PageRequest::parse(q.limit, q.cursor.as_deref()).map_err(ApiError::from)?;
    let items = term_service::<K>(&state).list(&caller.0, q.active, page).await?;
    Ok(HttpResponse::Ok().json(items))
}

async fn term_get<K: TermIn>(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let term = term_service::<K>(&state).get(&caller.0, id.into_inner()).await?;
    Ok(tagged(StatusCode::OK, &term, None))
}

async fn term_update<K: TermIn>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<TermInput>,
) -> Result<HttpResponse, ApiError> {
    changed(term_service::<K>(&state).update(&caller.0, id.into_inner(), body.0, if_match(&req)?)).await
}

async fn term_delete<K: TermIn>(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    changed(term_service::<K>(&state).delete(&caller.0, id.into_inner())).await
}
