//! The generic child and term services of the settings module, built once
//! per server: one service per kind, reached from a handler generic over the
//! kind through the `*In` traits. Every child-service construction lives in
//! [`Children::new`], so references added later (a module storing a term id)
//! and changes to the services' constructors have one place to go.

use infra::AppInfra;
use infra::children::{Child, ChildService};
use settings::commodities::commissions::Commissions;
use settings::commodities::parameters::Parameters;
use settings::commodities::terms::{
    BargainTypes, DeliveryTerms, PassingTerms, PaymentTerms, TermKind, TermService, TradeTypes,
    WeightmentTerms,
};
use settings::commodities::varieties::Varieties;
use settings::organizations::bank_accounts::BankAccounts;
use settings::organizations::financial_years::FinancialYears;
use settings::organizations::gst::GstRegistrations;
use settings::organizations::series::DocumentSeriesChild;

/// One service per organization child kind, commodity child kind and trade-term kind.
pub struct Children {
    gst: ChildService<AppInfra, GstRegistrations>,
    bank_accounts: ChildService<AppInfra, BankAccounts>,
    financial_years: ChildService<AppInfra, FinancialYears>,
    series: ChildService<AppInfra, DocumentSeriesChild>,
    varieties: ChildService<AppInfra, Varieties>,
    parameters: ChildService<AppInfra, Parameters>,
    commissions: ChildService<AppInfra, Commissions>,
    trade_types: TermService<AppInfra, TradeTypes>,
    bargain_types: TermService<AppInfra, BargainTypes>,
    passing_terms: TermService<AppInfra, PassingTerms>,
    weightment_terms: TermService<AppInfra, WeightmentTerms>,
    delivery_terms: TermService<AppInfra, DeliveryTerms>,
    payment_terms: TermService<AppInfra, PaymentTerms>,
}

impl Children {
    /// Every service over `infra`, with the references known today (none
    /// refer to terms yet; modules that store a term id add theirs here).
    pub fn new(infra: &AppInfra) -> Self {
        Self {
            gst: ChildService::new(infra.clone()),
            bank_accounts: ChildService::new(infra.clone()),
            financial_years: ChildService::new(infra.clone()),
            series: ChildService::new(infra.clone()),
            varieties: ChildService::new(infra.clone()),
            parameters: ChildService::new(infra.clone()),
            commissions: ChildService::new(infra.clone()),
            trade_types: TermService::new(infra.clone()),
            bargain_types: TermService::new(infra.clone()),
            passing_terms: TermService::new(infra.clone()),
            weightment_terms: TermService::new(infra.clone()),
            delivery_terms: TermService::new(infra.clone()),
            payment_terms: TermService::new(infra.clone()),
        }
    }
}

/// A child kind (of an organization, a commodity, ...) whose service the state holds.
pub trait ChildIn: Child + Sized {
    /// Its service.
    fn service(children: &Children) -> &ChildService<AppInfra, Self>;
}

/// A trade-term kind whose service the state holds.
pub trait TermIn: TermKind + Sized {
    /// Its service.
    fn service(children: &Children) -> &TermService<AppInfra, Self>;
}

macro_rules! held {
    ($trait:ident, $service:ident: $($kind:ty => $field:ident),+ $(,)?) => {$(
        impl $trait for $kind {
            fn service(children: &Children) -> &$service<AppInfra, Self> {
                &children.$field
            }
        }
    )+};
}

held!(ChildIn, ChildService:
    GstRegistrations => gst,
    BankAccounts => bank_accounts,
    FinancialYears => financial_years,
    DocumentSeriesChild => series,
    Varieties => varieties,
    Parameters => parameters,
    Commissions => commissions,
);
held!(TermIn, TermService:
    TradeTypes => trade_types,
    BargainTypes => bargain_types,
    PassingTerms => passing_terms,
    WeightmentTerms => weightment_terms,
    DeliveryTerms => delivery_terms,
    PaymentTerms => payment_terms,
);
