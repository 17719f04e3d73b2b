//! The check each message passes on delivery to a socket on a shared channel:
//! the event's tenant, its area's scope and its audience.
//!
//! - Without an audience: public areas reach everyone subscribed; platform-wide
//!   areas reach INTERNAL staff (who needed the read capability to subscribe)
//!   and the users of the partner concerned; organization areas reach the
//!   users of the organization or partner concerned.
//! - With an audience: its users and its partners' users; in a platform-wide
//!   or public area, INTERNAL staff as well (they see everything there); nobody
//!   else, whatever they hold. (A public area's event with an audience is one
//!   the module keeps from the public, such as a PRIVATE availability's.)
//! - SUPER_ADMIN and system actors receive every event of the channels they follow.
//!
//! A user's own `user:{id}` channel is delivered without this check.

use infra::outbox::Audience;
use infra::{Actor, ActorKind};
use uuid::Uuid;

use super::areas::{Areas, Scope};
use crate::consumers::Delivered;

/// Whom an event concerns, for the delivery check.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tenant {
    /// The organization it concerns.
    pub organization_id: Option<Uuid>,
    /// The partner it concerns.
    pub partner_id: Option<Uuid>,
    /// Its area's scope.
    #[serde(default)]
    pub scope: Scope,
    /// The parties it is for, when it names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
}

impl Tenant {
    /// Read from the aggregate (an organization, a partner) or the payload's
    /// `organization_id` / `partner_id`, at the top or one object down
    /// (`{"user": {"organization_id": …}}`); the scope from the event's area;
    /// the audience from the event's metadata.
    pub fn of(areas: &Areas, event: &Delivered) -> Self {
        let from_payload = |key: &str| {
            let read = |v: &serde_json::Value| v.get(key)?.as_str()?.parse::<Uuid>().ok();
            read(&event.payload).or_else(|| event.payload.as_object()?.values().find_map(read))
        };
        let own = |kind: &str| {
            (event.aggregate_type == kind)
                .then(|| event.aggregate_id.parse().ok())
                .flatten()
        };
        Self {
            organization_id: own("organization").or_else(|| from_payload("organization_id")),
            partner_id: own("partner").or_else(|| from_payload("partner_id")),
            scope: areas.by_topic(&event.topic).map(|a| a.scope).unwrap_or_default(),
            audience: Audience::from_metadata(&event.metadata),
        }
    }

    /// Whether `actor` may receive an event of this tenant on a shared channel
    /// (see the module documentation). An event whose tenant is unknown
    /// reaches only SUPER_ADMIN.
    pub fn admits(&self, actor: &Actor) -> bool {
        if matches!(actor.kind, ActorKind::System | ActorKind::SuperAdmin) {
            return true;
        }
        if let Some(audience) = &self.audience {
            return audience.includes(actor.user_id, actor.partner_id)
                || (matches!(self.scope, Scope::Platform | Scope::Public)
                    && actor.kind == ActorKind::Internal);
        }
        let own_partner = self.partner_id.is_some() && self.partner_id == actor.partner_id;
        match (self.scope, actor.kind) {
            (Scope::Audience, _) | (_, ActorKind::Anonymous) => false,
            (Scope::Public, _) => true,
            (Scope::Platform, ActorKind::Internal) => true,
            (Scope::Organization, ActorKind::Internal) => {
                self.organization_id.is_some() && self.organization_id == actor.organization_id
            }
            (_, ActorKind::External) => own_partner,
            (_, ActorKind::System | ActorKind::SuperAdmin) => true,
        }
    }
}
