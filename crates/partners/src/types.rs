//! The vocabularies of partners: types, entity types and classes, statuses,
//! GST compliance, risk categories and review routing, each with its stored
//! snake_case name.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The accepted names, for messages: `a, b or c`.
            pub fn choices() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => names.join(""),
                }
            }
        }
    };
}

vocabulary!(
    /// What a partner does on the platform.
    PartnerType {
        /// Sells in India.
        Seller = "seller",
        /// Buys in India.
        Buyer = "buyer",
        /// Buys and sells.
        Trader = "trader",
        /// Brokers trades.
        Broker = "broker",
        /// Works under a broker.
        SubBroker = "sub_broker",
        /// Moves goods.
        Transporter = "transporter",
        /// Inspects quality.
        Controller = "controller",
        /// Finances trades.
        Financer = "financer",
        /// Ships goods abroad.
        ShippingAgent = "shipping_agent",
        /// Buys across the border.
        Importer = "importer",
        /// Sells across the border.
        Exporter = "exporter",
    }
);

vocabulary!(
    /// The legal form of a partner.
    EntityType {
        /// One owner.
        Proprietorship = "proprietorship",
        /// A partnership firm.
        Partnership = "partnership",
        /// A limited liability partnership.
        Llp = "llp",
        /// A private limited company.
        PrivateLimited = "private_limited",
        /// A public limited company.
        PublicLimited = "public_limited",
        /// A Hindu undivided family.
        Huf = "huf",
        /// A cooperative society.
        Cooperative = "cooperative",
        /// A trust.
        Trust = "trust",
        /// A government body.
        Government = "government",
    }
);

vocabulary!(
    /// Whether a partner may trade.
    EntityClass {
        /// May trade.
        BusinessEntity = "business_entity",
        /// Serves trades, takes no side.
        ServiceProvider = "service_provider",
    }
);

vocabulary!(
    /// Where an onboarding application stands.
    ApplicationStatus {
        /// Being filled in.
        Draft = "draft",
        /// Waiting for a decision.
        Submitted = "submitted",
        /// Sent back to the applicant for more information.
        InfoRequested = "info_requested",
        /// Approved: the partner exists.
        Approved = "approved",
        /// Rejected, with a reason.
        Rejected = "rejected",
    }
);

vocabulary!(
    /// How well the applicant files its GST returns.
    GstCompliance {
        /// Always on time.
        Excellent = "excellent",
        /// Mostly on time.
        Good = "good",
        /// Sometimes late.
        Average = "average",
        /// Often late or missing.
        Poor = "poor",
    }
);

vocabulary!(
    /// The risk an applicant's score stands for.
    RiskCategory {
        /// Score 70 or more.
        Low = "low",
        /// Score 40 to 69.
        Medium = "medium",
        /// Score 20 to 39.
        High = "high",
        /// Score under 20.
        Critical = "critical",
    }
);

vocabulary!(
    /// Who decides a submitted application.
    Routing {
        /// Approved once every required document is verified.
        AutoApproved = "auto_approved",
        /// A manager decides (PARTNER_APPROVE).
        ManagerReview = "manager_review",
        /// A director decides (PARTNER_APPROVE_HIGH_RISK).
        DirectorReview = "director_review",
        /// A critical review decides (PARTNER_APPROVE_HIGH_RISK).
        CriticalReview = "critical_review",
    }
);

vocabulary!(
    /// The kinds of document an application carries.
    DocumentType {
        /// GST registration certificate.
        GstCertificate = "gst_certificate",
        /// PAN card.
        PanCard = "pan_card",
        /// Import export code certificate.
        Iec = "iec",
        /// Bank statement or letter.
        BankProof = "bank_proof",
        /// A cancelled cheque.
        CancelledCheque = "cancelled_cheque",
        /// A vehicle's registration certificate (its number is the vehicle's).
        VehicleRc = "vehicle_rc",
        /// The tax registration of a foreign partner.
        ForeignTaxId = "foreign_tax_id",
    }
);

impl ApplicationStatus {
    /// Draft, submitted or info requested: not decided yet.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Draft | Self::Submitted | Self::InfoRequested)
    }
}

impl Routing {
    /// Whether deciding needs PARTNER_APPROVE_HIGH_RISK.
    pub fn is_high_risk(self) -> bool {
        matches!(self, Self::DirectorReview | Self::CriticalReview)
    }
}

impl PartnerType {
    /// Business entities trade; service providers do not.
    pub fn entity_class(self) -> EntityClass {
        match self {
            Self::Seller | Self::Buyer | Self::Trader | Self::Importer | Self::Exporter => {
                EntityClass::BusinessEntity
            }
            _ => EntityClass::ServiceProvider,
        }
    }

    /// Seller, trader and exporter: the types whose own lab and transport count in the score.
    pub fn sells(self) -> bool {
        matches!(self, Self::Seller | Self::Trader | Self::Exporter)
    }

    /// The three letters of the partner code (`BP-IND-SEL-0001`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Seller => "SEL",
            Self::Buyer => "BUY",
            Self::Trader => "TRD",
            Self::Broker => "BRK",
            Self::SubBroker => "SBK",
            Self::Transporter => "TRN",
            Self::Controller => "CTL",
            Self::Financer => "FIN",
            Self::ShippingAgent => "SHP",
            Self::Importer => "IMP",
            Self::Exporter => "EXP",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_classes_follow_types() {
        for t in PartnerType::ALL {
            assert_eq!(PartnerType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(PartnerType::Broker.entity_class(), EntityClass::ServiceProvider);
        assert_eq!(PartnerType::Importer.entity_class(), EntityClass::BusinessEntity);
        assert!(EntityType::choices().ends_with("trust or government"));
        assert!(Routing::CriticalReview.is_high_risk());
        assert!(!Routing::ManagerReview.is_high_risk());
    }
}
