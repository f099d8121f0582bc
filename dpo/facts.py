"""The facts each dossier is drawn from (Vietnamese strings, JSON values), and what changed
between two versions of them."""

from django.apps import apps
from django.utils import timezone, translation

from dpo import filing, selectors
from dpo.selectors import MissingFact


def _fields() -> list[dict]:
    rows = selectors.personal_fields()
    for row in rows:
        row["store_label"] = str(apps.get_model(row["store"])._meta.verbose_name_plural)
    return rows


def _customer_retention(retention: list[dict]) -> str:
    rule = next((r for r in retention if r["category"] == "customer"), None)
    if not rule or rule["months"] is None:
        return "Không giới hạn"
    return f"{rule['months']} tháng kể từ {rule['anchor'].lower()}"


def build(kind: str) -> dict:
    """All facts for one dossier kind; raises MissingFact when a required one is not set."""
    with translation.override("vi"):
        prof = selectors.profile()
        now = timezone.localtime()
        facts = {
            "org": selectors.organisation(),
            "dpo": selectors.dpo_contact(prof),
            "generated": now.strftime("%d/%m/%Y %H:%M"),
            "system_hosting": prof.system_hosting,
            "addressee": filing.ADDRESSEE,
        }
        facts["date_line"] = filing.date_line(facts["org"]["address"], now.date())
        recipients = selectors.recipients()
        facts["recipients"] = recipients
        facts["purposes"] = selectors.purposes(recipients)
        if not facts["purposes"]:
            raise MissingFact(
                "Chưa có mục đích xử lý nào đang áp dụng: khai báo trong Mục đích. "
                "(No active purpose of processing.)"
            )
        facts["retention"] = selectors.retention_rules()
        facts["customer_retention"] = _customer_retention(facts["retention"])
        facts["fields"] = _fields()
        facts["security"] = selectors.security_measures()
        # One list of measures, in words, for the DPIA and the TIA alike.
        facts["security_lines"] = filing.security_lines(facts["security"])
        facts["risk"] = selectors.risk_assessment()
        facts["customers"] = selectors.customers_summary()
        if kind in ("dpia", "inspection"):
            facts["roles"] = selectors.roles()
            facts["results"] = selectors.compliance_results()
        facts["abroad"] = filing.transfers(facts, facts["customers"]["active"])
        # The consent wording of each optional purpose a transfer serves, once.
        sent = {name for r in facts["abroad"] for name in r["purposes"]}
        facts["transfer_consents"] = [
            p for p in facts["purposes"] if p["optional"] and p["name"] in sent
        ]
        if kind == "tia" and not facts["abroad"]:
            raise MissingFact(
                "Không có bên nhận nào lưu trữ dữ liệu ở nước ngoài: không cần hồ sơ đánh giá "
                "tác động chuyển dữ liệu ra nước ngoài. (No recipient is hosted abroad.)"
            )
    return facts


def _index(rows, key):
    return {row[key]: row for row in rows or []}


def changes(old: dict, new: dict) -> list[str]:
    """What changed since ``old`` (the last filed version's facts), in Vietnamese."""
    out = []
    old_p, new_p = _index(old.get("purposes"), "code"), _index(new.get("purposes"), "code")
    for code in new_p.keys() - old_p.keys():
        out.append(f"Mục đích mới: {new_p[code]['name']}")
    for code in old_p.keys() - new_p.keys():
        out.append(f"Mục đích không còn dùng: {old_p[code]['name']}")
    for code in new_p.keys() & old_p.keys():
        if new_p[code]["wording_hash"] != old_p[code]["wording_hash"]:
            out.append(f"Lời văn đồng ý đã đổi: {new_p[code]['name']}")
        if new_p[code]["basis"] != old_p[code]["basis"]:
            out.append(f"Cơ sở pháp lý đã đổi: {new_p[code]['name']}")
    old_r, new_r = _index(old.get("recipients"), "name"), _index(new.get("recipients"), "name")
    for name in sorted(new_r.keys() - old_r.keys()):
        out.append(f"Bên nhận mới: {name} ({new_r[name]['hosted_label']})")
    for name in sorted(old_r.keys() - new_r.keys()):
        out.append(f"Bên nhận đã ngừng: {name}")
    for name in sorted(new_r.keys() & old_r.keys()):
        if new_r[name]["abroad"] != old_r[name]["abroad"]:
            out.append(
                f"Nơi lưu trữ của {name} đã đổi: {old_r[name]['hosted_label']} → "
                f"{new_r[name]['hosted_label']}"
            )
    key = lambda f: f"{f['store']}.{f['field']}"  # noqa: E731
    old_f, new_f = {key(f): f for f in old.get("fields", [])}, {key(f): f for f in new["fields"]}
    for k in sorted(new_f.keys() - old_f.keys()):
        out.append(f"Trường dữ liệu cá nhân mới: {new_f[k]['store_label']} · {new_f[k]['label']}")
    for k in sorted(old_f.keys() - new_f.keys()):
        out.append(f"Trường dữ liệu cá nhân đã bỏ: {old_f[k]['store_label']} · {old_f[k]['label']}")
    old_t, new_t = _index(old.get("retention"), "category"), _index(new["retention"], "category")
    for cat in sorted(new_t.keys() & old_t.keys()):
        if new_t[cat]["months"] != old_t[cat]["months"]:
            out.append(
                f"Thời hạn lưu trữ đã đổi: {new_t[cat]['label']}: {old_t[cat]['months']} → "
                f"{new_t[cat]['months']} tháng"
            )
    old_d, new_d = old.get("dpo", {}), new["dpo"]
    if old_d and (old_d.get("name"), old_d.get("provider")) != (new_d["name"], new_d["provider"]):
        out.append(f"Người bảo vệ dữ liệu đã đổi: {old_d.get('name')} → {new_d['name']}")
    old_risk, new_risk = old.get("risk") or {}, new.get("risk") or {}
    if new_risk and new_risk.get("id") != old_risk.get("id"):
        out.append(f"Đánh giá rủi ro mới, ký ngày {new_risk['signed_at']}")
    return out


__all__ = ["MissingFact", "build", "changes"]
