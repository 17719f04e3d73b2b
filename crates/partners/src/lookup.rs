//! The open application of a mobile number, for an OTP verify that should
//! answer `continue_onboarding` (the server plugs this into `user_auth`).

use infra::{Infra, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entity::application;
use crate::service::ApplicationService;
use crate::uniqueness::open_statuses;

impl<I: Infra> ApplicationService<I> {
    /// The id of the application in progress (draft, submitted or
    /// info_requested) started with `mobile` (normalized); at most one exists.
    pub async fn open_application_of(&self, mobile: &str) -> Result<Option<Uuid>, ServiceError> {
        let id = application::Entity::find()
            .select_only()
            .column(application::Column::Id)
            .filter(application::Column::ContactMobile.eq(mobile))
            .filter(application::Column::Status.is_in(open_statuses()))
            .into_tuple::<Uuid>()
            .one(self.infra.db())
            .await?;
        Ok(id)
    }
}
