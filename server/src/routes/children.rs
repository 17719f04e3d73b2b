//! The generic HTTP handlers of every kind of child ([`infra::children`]):
//! create, list, get, update (with `If-Match` or the body's `version`) and
//! delete under `/{parent}/{segment}`, mounted once per kind by the modules
//! (organization children, commodity children, and later partner children).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Scope, web};
use infra::AppInfra;
use infra::children::ChildService;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::etag::{if_match, versioned};
use crate::http::json::ApiJson;
use crate::http::problem::ApiError;
use crate::http::query::{ApiQuery, PageQuery};
use crate::state::AppState;
use crate::state::children::ChildIn;

/// Adds the five routes of child kind `C` under `/{parent}/{C::SEGMENT}`, the
/// item at `/{parent}/{C::SEGMENT}/{item}` (`parent` and `item` name the path
/// parameters, as the OpenAPI document does).
pub fn routes<C: ChildIn>(scope: Scope, parent: &str, item: &str) -> Scope {
    let base = format!("/{{{parent}}}/{}", C::SEGMENT);
    let one = format!("{base}/{{{item}}}");
    scope
        .route(&base, web::post().to(create::<C>))
        .route(&base, web::get().to(list::<C>))
        .route(&one, web::get().to(get::<C>))
        .route(&one, web::patch().to(update::<C>))
        .route(&one, web::delete().to(delete::<C>))
}

fn service<C: ChildIn>(state: &AppState) -> &ChildService<AppInfra, C> {
    C::service(&state.children)
}

fn answer<C: ChildIn>(status: StatusCode, view: &C::View, location: Option<String>) -> HttpResponse {
    versioned(status, view, C::version(view), location)
}

async fn create<C: ChildIn>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    parent: web::Path<Uuid>,
    body: ApiJson<C::Create>,
) -> Result<HttpResponse, ApiError> {
    let view = service::<C>(&state)
        .create(&caller.0, parent.into_inner(), body.0)
        .await?
        .value;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), C::id(&view));
    Ok(answer::<C>(StatusCode::CREATED, &view, Some(location)))
}

async fn list<C: ChildIn>(
    state: web::Data<AppState>,
    caller: Caller,
    parent: web::Path<Uuid>,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.0.request()?;
    let items = service::<C>(&state)
        .list(&caller.0, parent.into_inner(), page)
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

async fn get<C: ChildIn>(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (parent, id) = path.into_inner();
    let view = service::<C>(&state).get(&caller.0, parent, id).await?;
    Ok(answer::<C>(StatusCode::OK, &view, None))
}

async fn update<C: ChildIn>(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: ApiJson<C::Update>,
) -> Result<HttpResponse, ApiError> {
    let (parent, id) = path.into_inner();
    let input = body.0;
    let expected = if_match(&req)?.or(C::based_on(&input));
    let view = service::<C>(&state)
        .update(&caller.0, parent, id, input, expected)
        .await?
        .value;
    Ok(answer::<C>(StatusCode::OK, &view, None))
}

async fn delete<C: ChildIn>(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (parent, id) = path.into_inner();
    let view = service::<C>(&state).delete(&caller.0, parent, id).await?.value;
    Ok(answer::<C>(StatusCode::OK, &view, None))
}
