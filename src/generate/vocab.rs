//! Vocabularies, category shares and name parts of the generated ecosystem.
//!
//! Everything here is a fixed table: the shares are relative integer weights (they need
//! not sum to 100) so that sampling is exact and reproducible.

/// Roles of the data contract, `sourced` first ([`ROLE_SOURCED`]).
pub(crate) const ROLES: [&str; 5] = ["sourced", "influenced", "co_sell", "fulfilled", "referral"];
/// Index of `sourced` in [`ROLES`].
pub(crate) const ROLE_SOURCED: u8 = 0;

/// Deal stages of the data contract (an empty field means `won`).
pub(crate) const STAGES: [&str; 3] = ["won", "lost", "open"];
/// Index of `won` in [`STAGES`].
pub(crate) const STAGE_WON: usize = 0;
/// Index of `lost` in [`STAGES`].
pub(crate) const STAGE_LOST: usize = 1;
/// Index of `open` in [`STAGES`].
pub(crate) const STAGE_OPEN: usize = 2;

/// A partner type: its name, its share of partners and its attachment fitness (relative
/// attractiveness to new deals at equal history; multiplied by the tier's).
pub(crate) struct PartnerType {
    /// The `partner_type` value.
    pub(crate) name: &'static str,
    /// Relative share of partners of this type.
    pub(crate) share: u32,
    /// Attachment fitness factor.
    pub(crate) fitness: u64,
    /// Weights over the non-sourced roles (influenced, co_sell, fulfilled, referral)
    /// this type takes on a deal.
    pub(crate) role_weights: [u32; 4],
    /// Weights over `resells`, `integrates`, `certified` for its products.
    pub(crate) relation_weights: [u32; 3],
}

/// The seven partner types, with unequal shares.
pub(crate) const PARTNER_TYPES: [PartnerType; 7] = [
    PartnerType {
        name: "reseller",
        share: 30,
        fitness: 5,
        role_weights: [30, 35, 25, 10],
        relation_weights: [85, 5, 10],
    },
    PartnerType {
        name: "distributor",
        share: 7,
        fitness: 6,
        role_weights: [20, 15, 60, 5],
        relation_weights: [90, 0, 10],
    },
    PartnerType {
        name: "isv",
        share: 10,
        fitness: 4,
        role_weights: [45, 40, 5, 10],
        relation_weights: [5, 80, 15],
    },
    PartnerType {
        name: "system_integrator",
        share: 15,
        fitness: 5,
        role_weights: [35, 45, 15, 5],
        relation_weights: [20, 30, 50],
    },
    PartnerType {
        name: "msp",
        share: 12,
        fitness: 4,
        role_weights: [30, 30, 35, 5],
        relation_weights: [50, 10, 40],
    },
    PartnerType {
        name: "referral",
        share: 18,
        fitness: 3,
        role_weights: [25, 5, 0, 70],
        relation_weights: [60, 0, 40],
    },
    PartnerType {
        name: "technology",
        share: 8,
        fitness: 3,
        role_weights: [50, 35, 0, 15],
        relation_weights: [0, 70, 30],
    },
];

/// A partner tier: name, share among later joiners, share among founding partners,
/// attachment fitness, the bonus it adds to the win rate of the deals it leads, and the
/// probability that a (non-founding) partner of this tier never transacts.
pub(crate) struct Tier {
    /// The `tier` value.
    pub(crate) name: &'static str,
    /// Relative share among partners joining after day 0.
    pub(crate) share: u32,
    /// Relative share among the founding cohort.
    pub(crate) founding_share: u32,
    /// Attachment fitness factor.
    pub(crate) fitness: u64,
    /// Added to the win probability of the deals a partner of this tier leads.
    pub(crate) win_bonus: f64,
    /// Probability that a non-founding partner of this tier never transacts.
    pub(crate) dormant: f64,
}

/// Tiers from the top down; platinum is rare, most partners are `registered`.
pub(crate) const TIERS: [Tier; 4] = [
    Tier {
        name: "platinum",
        share: 2,
        founding_share: 20,
        fitness: 8,
        win_bonus: 0.05,
        dormant: 0.0,
    },
    Tier {
        name: "gold",
        share: 10,
        founding_share: 35,
        fitness: 6,
        win_bonus: 0.03,
        dormant: 0.03,
    },
    Tier {
        name: "silver",
        share: 28,
        founding_share: 30,
        fitness: 5,
        win_bonus: 0.0,
        dormant: 0.10,
    },
    Tier {
        name: "registered",
        share: 60,
        founding_share: 15,
        fitness: 4,
        win_bonus: 0.0,
        dormant: 0.30,
    },
];

/// Sales regions (`NA` is North America and stays text).
pub(crate) const REGIONS: [&str; 4] = ["NA", "EMEA", "APAC", "LATAM"];
/// Shares of [`REGIONS`].
pub(crate) const REGION_SHARES: [u32; 4] = [40, 30, 20, 10];

/// Customer segments.
pub(crate) const SEGMENTS: [&str; 3] = ["enterprise", "mid_market", "smb"];
/// Index of `enterprise` in [`SEGMENTS`].
pub(crate) const SEG_ENTERPRISE: u8 = 0;
/// Index of `mid_market` in [`SEGMENTS`].
pub(crate) const SEG_MID_MARKET: u8 = 1;
/// Index of `smb` in [`SEGMENTS`].
pub(crate) const SEG_SMB: u8 = 2;
/// Mean deal amount (in currency units) per segment, before the co-sell multiplier.
pub(crate) const SEGMENT_MEAN_AMOUNT: [f64; 3] = [75_000.0, 24_000.0, 7_500.0];

/// Customer industries, with the noun used in customer names.
pub(crate) const INDUSTRIES: [(&str, &str); 10] = [
    ("manufacturing", "Manufacturing"),
    ("financial_services", "Financial"),
    ("healthcare", "Health"),
    ("retail", "Retail"),
    ("public_sector", "Agency"),
    ("education", "Academy"),
    ("telecommunications", "Telecom"),
    ("energy", "Energy"),
    ("media", "Media"),
    ("logistics", "Logistics"),
];
/// Shares of [`INDUSTRIES`].
pub(crate) const INDUSTRY_SHARES: [u32; 10] = [16, 15, 12, 12, 9, 6, 8, 7, 6, 9];

/// Partner-product relations.
pub(crate) const RELATIONS: [&str; 3] = ["resells", "integrates", "certified"];

/// Weights of the number of products a partner carries, for 1..=10 products.
pub(crate) const PRODUCTS_PER_PARTNER: [u32; 10] = [30, 22, 14, 10, 7, 5, 4, 3, 3, 2];

/// Weights of the number of partners on a partner deal, for 1..=4 partners.
pub(crate) const PARTNERS_PER_DEAL: [u32; 4] = [60, 28, 9, 3];

/// First words of partner and customer names.
pub(crate) const NAME_HEADS: [&str; 32] = [
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Adatum",
    "Tailspin",
    "Litware",
    "Proseware",
    "Wingtip",
    "Woodgrove",
    "Alpine",
    "Blue Yonder",
    "Coho",
    "Fourth Coffee",
    "Lucerne",
    "Margie",
    "Nod",
    "Relecloud",
    "Trey",
    "Wide World",
    "Humongous",
    "Graphic",
    "Consolidated",
    "Southridge",
    "Lamna",
    "Bellows",
    "Datum",
    "Summit",
    "Granite",
    "Harbor",
    "Meridian",
    "Keystone",
    "Evergreen",
];

/// Second words of partner names.
pub(crate) const PARTNER_TAILS: [&str; 14] = [
    "Systems",
    "Solutions",
    "Networks",
    "Consulting",
    "Technologies",
    "Digital",
    "Partners",
    "Group",
    "Labs",
    "Cloud",
    "Data",
    "IT Services",
    "Integration",
    "Software",
];

/// Product name parts: adjective.
pub(crate) const PRODUCT_HEADS: [&str; 12] = [
    "Nimbus", "Vector", "Atlas", "Beacon", "Quantum", "Sentinel", "Orbit", "Pulse", "Vertex",
    "Helix", "Cobalt", "Aurora",
];
/// Product name parts: noun and the category it belongs to.
pub(crate) const PRODUCT_NOUNS: [(&str, &str); 16] = [
    ("Backup", "data_protection"),
    ("Vault", "data_protection"),
    ("Firewall", "security"),
    ("Identity", "security"),
    ("Endpoint", "security"),
    ("Mesh", "networking"),
    ("Gateway", "networking"),
    ("Insight", "analytics"),
    ("Lakehouse", "analytics"),
    ("Chat", "collaboration"),
    ("Meet", "collaboration"),
    ("Compute", "infrastructure"),
    ("Storage", "infrastructure"),
    ("Pipeline", "devops"),
    ("Observe", "devops"),
    ("Copilot", "ai"),
];
/// Product editions.
pub(crate) const PRODUCT_EDITIONS: [&str; 6] =
    ["Pro", "Enterprise", "Lite", "Suite", "Edge", "Cloud"];
