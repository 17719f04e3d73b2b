//! Party links between approved partners, many pairs with one query.

use infra::Infra;
use infra::testing::TestInfra;
use partners::input::Approve;
use partners::links::{LinkReason, links};
use partners::{ApplicationService, Caller};
use uuid::Uuid;

use crate::support::{SELLER_DOCUMENTS, documents, gstin, manager, seller, service};

async fn approved(
    apps: &ApplicationService<infra::AppInfra>,
    input: partners::input::StartApplication,
) -> Uuid {
    let admin = manager();
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps.submit(&Caller::staff(&admin), app.id).await.unwrap().value;
    if let Some(partner) = submitted.partner {
        return partner.id;
    }
    apps.approve(&Caller::staff(&admin), app.id, Approve::default())
        .await
        .unwrap()
        .value
        .partner
        .unwrap()
        .id
}

async fn links_name_every_reason_for_many_pairs(t: TestInfra) {
    let apps = service(&t);
    let mut master_input = seller(1);
    master_input.corporate_group = Some("Shree Group".into());
    let master = approved(&apps, master_input).await;
    let branch = |state: &str, code: &str, n: u32| {
        let mut input = seller(1);
        input.gstin = Some(gstin(state, 1));
        input.address.state_code = Some(code.into());
        input.contact.mobile = crate::support::mobile(n);
        input.master_partner_id = Some(master);
        input
    };
    let gujarat = approved(&apps, branch("24", "GJ", 50)).await;
    let karnataka = approved(&apps, branch("29", "KA", 51)).await;
    let mut cousin_input = seller(2);
    cousin_input.corporate_group = Some(" shree group ".into());
    let cousin = approved(&apps, cousin_input).await;
    let stranger = approved(&apps, seller(3)).await;
    let unknown = Uuid::now_v7();
    let pairs = [
        (master, master),
        (master, gujarat),
        (gujarat, karnataka),
        (master, cousin),
        (cousin, stranger),
        (stranger, unknown),
        (unknown, unknown),
    ];
    let answers = links(t.db(), &pairs).await.unwrap();
    let reasons: Vec<Vec<LinkReason>> = answers.iter().map(|l| l.reasons.clone()).collect();
    use LinkReason::*;
    assert_eq!(
        reasons,
        [
            vec![SameEntity],
            vec![MasterAndBranch, SharedPan],
            vec![BranchesOfOneMaster, SharedPan],
            vec![CorporateGroup],
            vec![],
            vec![],
            vec![SameEntity],
        ]
    );
    assert_eq!((answers[1].a, answers[1].b), (master, gujarat));
    assert!(!answers[4].is_linked());
    let one = partners::links::linked(t.db(), karnataka, master).await.unwrap();
    assert!(one.reasons.contains(&MasterAndBranch));
}

infra::backend_tests!(links_name_every_reason_for_many_pairs);
