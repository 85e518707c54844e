from canhve.core.testing import UrlCase, everyone

CASES = [
    UrlCase("exchange-list", everyone(200)),
    UrlCase("exchange-create", everyone(200)),
    # Mật item owned by K01-TM, shared with CATH. K01-BVTC is a sibling department: no need to know.
    UrlCase(
        "exchange-detail",
        everyone(404, k01_officer=200, th_liaison=200, k01_commander=200, auditor=200),
        kwargs=lambda w: {"pk": w.shared_item.pk},
    ),
    # Tối mật item owned by K01-TM, shared with nobody: K01 members with the clearance only.
    UrlCase(
        "exchange-detail",
        everyone(404, k01_officer=200, k01_commander=200, auditor=200),
        kwargs=lambda w: {"pk": w.secret_item.pk},
    ),
]
