"""Five presets, one per policy the site was built from (docs/legal.md §16): each carries that
company's choices where the law allows them. Where the law overrides a clause (consent
implied by visiting, customer records kept beyond what a purpose needs), the preset keeps
the lawful behaviour and docs/legal.md §16 says why.

A preset is applied once, on the first run (``setup_site --profile NAME``), before the first
policy version is published, so that version states the preset's facts.
"""

from dataclasses import dataclass, field

from customers.consents.models import PolicySection
from customers.core.roles import Role
from customers.models import CompanyProfile, RetentionRule
from customers.models.company import Channel

K = PolicySection.Key
C = RetentionRule.Category
T = CompanyProfile.CompanyType
NONE = {"visible": [], "revealable": []}


@dataclass(frozen=True)
class Preset:
    label: str
    # Identity the policy itself gives; the rest comes from the ORG_* settings.
    identity: dict = field(default_factory=dict)
    partners_allowed: bool = True
    hosting_location: str = "Việt Nam"
    hosted_abroad: bool = False
    field_access: dict = field(default_factory=dict)
    channels: tuple = tuple(Channel.values)
    # Purposes the policy does not announce: switched off (no box, no use).
    purposes_off: tuple = ()
    # Optional cookie categories the site does not use: removed before anyone chose.
    cookies_off: tuple = ()
    # Retention: category -> months (None: kept until the customer asks).
    retention: dict = field(default_factory=dict)
    # The company's own paragraphs, section by section (vi, en).
    paragraphs: dict = field(default_factory=dict)


MARKETING = ("marketing_email", "marketing_sms", "marketing_phone")

PRESETS = {
    # NOS (000): an IT company; §2 staff, departments and subcontractors on a need-to-know
    # basis; §3 partners only with the customer's consent; §4 kept until cancelled.
    "nos": Preset(
        label="NOS",
        identity={"name": "NOS", "company_type": T.JOINT_STOCK},
        partners_allowed=True,
        purposes_off=(*MARKETING, "surveys", "reference"),
        cookies_off=("analytics", "marketing"),
        retention={C.CUSTOMER: None, C.SERVICE_ENDED: None},
        paragraphs={
            K.ACCESS: (
                "Nhân viên của NOS đã ký thỏa thuận bảo mật; nhà thầu phụ chỉ nhận phần thông tin "
                "cần cho công việc theo hợp đồng, khi bạn đồng ý.",
                "NOS staff have signed confidentiality agreements; subcontractors receive only "
                "what the contracted work needs, with your agreement.",
            ),
        },
    ),
    # MMGROUP (001): a Microsoft 365 partner; data in Microsoft's cloud; no third party
    # without written consent; deleted on request, when the service stops or after 12 months.
    "mmgroup": Preset(
        label="MMGROUP",
        identity={"name": "MMGROUP", "company_type": T.JOINT_STOCK},
        partners_allowed=False,
        hosting_location="Microsoft 365 (Microsoft Azure), Singapore",
        hosted_abroad=True,
        purposes_off=("marketing_sms", "marketing_phone", "surveys", "partner_sharing"),
        cookies_off=("marketing",),
        retention={C.CUSTOMER: 12, C.SERVICE_ENDED: 1},
    ),
    # Vạn sự thông (002): a software vendor; §4 only staff who deliver the service; §5 no
    # sharing, selling or renting to any third party; §3 ten years for accounting documents.
    "vanshuthong": Preset(
        label="Vạn sự thông",
        identity={"name": "Vạn sự thông", "company_type": T.JOINT_STOCK},
        partners_allowed=False,
        channels=(Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL),
        purposes_off=(*MARKETING, "surveys", "reference", "partner_sharing"),
        cookies_off=("analytics", "marketing"),
        paragraphs={
            K.ACCESS: (
                "Chúng tôi không chia sẻ, bán, cho thuê thông tin khách hàng với bất kỳ bên thứ ba "
                "nào; cơ quan nhà nước có thẩm quyền chỉ nhận dữ liệu khi có yêu cầu theo luật.",
                "We do not share, sell or rent customer information to any third party; "
                "competent state bodies receive data only on a lawful request.",
            ),
        },
    ),
    # Bizfly Cloud (003): a cloud host; marketing by email, SMS and phone; surveys; data only
    # to authorities and payment processors acting for it.
    "bizfly": Preset(
        label="Bizfly Cloud",
        identity={
            "name": "Bizfly Cloud",
            "company_type": T.JOINT_STOCK,
            "website": "https://bizflycloud.vn",
        },
        partners_allowed=False,
        purposes_off=("reference", "partner_sharing"),
        paragraphs={
            K.SECURITY: (
                "Email, số điện thoại, mật khẩu và thông tin truy cập dịch vụ được lưu dưới dạng mã "
                "hóa; chỉ nhân viên được ủy quyền mới truy cập được.",
                "Email, phone numbers, passwords and service access details are stored "
                "encrypted; only authorised staff can reach them.",
            ),
        },
    ),
    # Khôi Ngô (004): collects by phone and web form; §4 only the board, sales and customer
    # care see customer data; §3 kept until the service, warranty included, is complete.
    "khoingo": Preset(
        label="Khôi Ngô",
        identity={
            "name": "Công ty TNHH Khôi Ngô",
            "company_type": T.LLC_MULTI,
            "address": "22A Kỳ Đồng, Phường 9, Quận 3, Tp. Hồ Chí Minh",
            "email": "contact@khoingo.net",
            "phone": "0908 375 212",
            "website": "https://khoingo.net",
        },
        partners_allowed=False,
        channels=(Channel.WEB_FORM, Channel.PHONE),
        field_access={str(Role.TECH_SUPPORT): NONE, str(Role.ACCOUNTING): NONE},
        purposes_off=("marketing_sms", "reference", "partner_sharing"),
        retention={C.CUSTOMER: 12, C.SERVICE_ENDED: 1},
        paragraphs={
            K.ACCESS: (
                "Chỉ những nhân viên có trách nhiệm xử lý thông tin mới có quyền tiếp cận thông "
                "tin khách hàng: ban giám đốc, bộ phận kinh doanh và bộ phận chăm sóc khách hàng.",
                "Only staff responsible for handling the information may access customer data: "
                "the board, sales and customer care.",
            ),
        },
    ),
}
PRESETS["vst"] = PRESETS["vanshuthong"]
