"""Purposes, cookie categories and the first published policy: the data every install needs."""

from django.db import transaction
from django.utils import timezone

from customers.consents.cookies import catalogue_clear
from customers.consents.models import (
    Cookie,
    CookieCategory,
    CookiePolicyVersion,
    PolicySection,
    PolicyVersion,
    Purpose,
)
from customers.consents.policy_facts import policy_facts, transfers_abroad
from customers.consents.selectors import consents_cache_clear

C, K = Purpose.LegalBasis.CONTRACT, Purpose.LegalBasis.CONSENT

PURPOSES = [
    # code, name vi, name en, wording vi, wording en, basis, optional, channel, marketing
    (
        "service",
        "Cung cấp và hỗ trợ dịch vụ",
        "Service delivery and support",
        "Dùng họ tên, thông tin liên hệ và địa chỉ của bạn để cung cấp, lắp đặt và hỗ trợ dịch vụ "
        "bạn đã đăng ký (thực hiện hợp đồng).",
        "We use your name, contact details and address to deliver, install and support the "
        "service you signed up for (performance of the contract).",
        C,
        False,
        "",
        False,
    ),
    (
        "service_notices",
        "Thông báo dịch vụ và nhắc gia hạn",
        "Service notices and renewal reminders",
        "Gửi thông báo về dịch vụ của bạn (sự cố, bảo trì) và nhắc gia hạn trước khi dịch vụ hết "
        "hạn.",
        "We send notices about your service (outages, maintenance) and remind you before it "
        "expires.",
        C,
        False,
        "",
        False,
    ),
    (
        "marketing_email",
        "Tiếp thị qua email",
        "Marketing by email",
        "Tôi đồng ý nhận email giới thiệu sản phẩm, khuyến mãi của công ty, tối đa 3 email mỗi "
        "ngày và thường là ít hơn nhiều. Tôi có thể hủy bất cứ lúc nào bằng liên kết ở cuối email.",
        "I agree to receive emails about the company's products and offers, at most 3 a day and "
        "usually far fewer. I can unsubscribe at any time with the link at the end of each email.",
        K,
        True,
        "email",
        True,
    ),
    (
        "marketing_sms",
        "Tiếp thị qua SMS",
        "Marketing by SMS",
        "Tôi đồng ý nhận tin nhắn quảng cáo [QC] từ tên định danh của công ty, trong khung giờ "
        "7:00–22:00, tối đa 3 tin mỗi ngày.",
        "I agree to receive advertising text messages [ADV] from the company's registered "
        "sender name, between 07:00 and 22:00, at most 3 a day.",
        K,
        True,
        "sms",
        True,
    ),
    (
        "marketing_phone",
        "Tiếp thị qua điện thoại",
        "Marketing by phone",
        "Tôi đồng ý nhận cuộc gọi giới thiệu sản phẩm trong giờ hành chính (8:00–17:00), tối đa "
        "1 cuộc mỗi ngày.",
        "I agree to receive calls about products during office hours (08:00–17:00), at most one "
        "call a day.",
        K,
        True,
        "phone",
        True,
    ),
    (
        "surveys",
        "Khảo sát ý kiến",
        "Surveys",
        "Tôi đồng ý được mời tham gia khảo sát mức độ hài lòng về dịch vụ.",
        "I agree to be invited to satisfaction surveys about the service.",
        K,
        True,
        "email",
        False,
    ),
    (
        "partner_sharing",
        "Chia sẻ với đối tác",
        "Sharing with named partners",
        "Tôi đồng ý để công ty chia sẻ họ tên và thông tin liên hệ của tôi với các đối tác được "
        "nêu tên trong chính sách bảo mật, để họ giới thiệu dịch vụ liên quan.",
        "I agree that the company may share my name and contact details with the partners "
        "named in the privacy policy, so that they can offer related services.",
        K,
        True,
        "",
        False,
    ),
    (
        "reference",
        "Giới thiệu khách hàng tiêu biểu",
        "Publishing me as a reference",
        "Tôi đồng ý để công ty nêu tên doanh nghiệp và dịch vụ tôi sử dụng trong danh sách khách "
        "hàng tiêu biểu trên website.",
        "I agree that the company may list my business name and the service I use among its "
        "references on its website.",
        K,
        True,
        "",
        False,
    ),
]

COOKIE_CATEGORIES = [
    (
        "necessary",
        "Cần thiết",
        "Necessary",
        "Giúp trang web hoạt động (bảo mật biểu mẫu, ghi nhớ lựa chọn cookie). Luôn bật.",
        "Make the site work (form security, remembering your cookie choice). Always on.",
        True,
        [
            (
                "csrftoken",
                "Chống giả mạo biểu mẫu",
                "Protects forms against forgery",
                "1 năm / 1 year",
            ),
            (
                "cookie_consent",
                "Ghi nhớ lựa chọn cookie",
                "Remembers your cookie choice",
                "12 tháng / 12 months",
            ),
            ("django_language", "Ghi nhớ ngôn ngữ", "Remembers your language", "phiên / session"),
        ],
    ),
    (
        "preferences",
        "Tùy chọn",
        "Preferences",
        "Ghi nhớ các tùy chọn hiển thị của bạn.",
        "Remember your display preferences.",
        False,
        [
            (
                "ui_prefs",
                "Ghi nhớ tùy chọn hiển thị",
                "Remembers display options",
                "6 tháng / 6 months",
            )
        ],
    ),
    (
        "analytics",
        "Thống kê",
        "Analytics",
        "Đếm lượt truy cập ẩn danh để cải thiện trang web. Dữ liệu theo dõi hành vi có thể là dữ "
        "liệu cá nhân nhạy cảm.",
        "Count visits anonymously to improve the site. Behavioural tracking data may be sensitive "
        "personal data.",
        False,
        [
            (
                "_site_stats",
                "Thống kê truy cập của chính công ty",
                "The company's own visit statistics",
                "13 tháng / 13 months",
            )
        ],
    ),
    (
        "marketing",
        "Tiếp thị",
        "Marketing",
        "Đo hiệu quả quảng cáo. Dữ liệu theo dõi hành vi có thể là dữ liệu cá nhân nhạy cảm.",
        "Measure advertising. Behavioural tracking data may be sensitive personal data.",
        False,
        [
            (
                "_ad_ref",
                "Ghi nhận chiến dịch quảng cáo đã dẫn bạn đến",
                "Records which campaign brought you",
                "90 ngày / 90 days",
            )
        ],
    ),
]


def policy_sections(paragraphs: dict | None = None):
    """The first version's own paragraphs, section by section. The page writes the facts
    (who we are, purposes, recipients, transfers abroad, retention, who sees what, rights,
    cookies...) from the company profile and the registers (``policy_text``); these add what
    no register holds, and say nothing a generated statement could contradict. A preset
    (``customers.company.presets``) replaces any of them."""
    K = PolicySection.Key
    sections = {
        K.CONTROLLER: ("", ""),
        K.PURPOSE_SCOPE: (
            "Chúng tôi thu thập: họ tên, tên doanh nghiệp, mã số thuế, người liên hệ, email, số điện "
            "thoại (di động, nhà riêng, cơ quan), địa chỉ (nhà riêng, cơ quan), ghi chú và tùy chọn "
            "bạn gửi kèm yêu cầu, địa chỉ IP khi gửi biểu mẫu và cookie.",
            "We collect: full name, business name, tax code, contact person, email, phone numbers "
            "(mobile, home, office), addresses (home, office), the notes and options you send with a "
            "request, the IP address of a web form submission, and cookies.",
        ),
        K.SCOPE_OF_USE: (
            "Mỗi mục đích cần sự đồng ý được hỏi riêng, không đánh dấu sẵn; bạn có thể rút lại bất "
            "cứ lúc nào tại trang “Dữ liệu của tôi” hoặc bằng liên kết trong mỗi thư.",
            "Each purpose that needs consent is asked separately, never pre-ticked; you can "
            "withdraw it at any time on the “My data” page or with the link in each message.",
        ),
        K.RECIPIENTS: ("", ""),
        K.ABROAD: ("", ""),
        K.RETENTION: ("", ""),
        K.ACCESS: (
            "Mỗi lần xem dữ liệu đều được ghi nhật ký. Chúng tôi không cung cấp dữ liệu cho bên thứ "
            "ba khi chưa có sự đồng ý của bạn, trừ khi pháp luật bắt buộc.",
            "Every look at your data is logged. We never give data to third parties without your "
            "consent, unless the law requires it.",
        ),
        K.COLLECTOR: ("", ""),
        K.RIGHTS: (
            "Tại trang “Dữ liệu của tôi”, nhập email để nhận liên kết bảo mật: xem toàn bộ dữ liệu, "
            "tải bản sao, yêu cầu chỉnh sửa, xóa, rút lại đồng ý hoặc hạn chế xử lý.",
            "On the “My data” page, enter your email to receive a secure link: see all your data, "
            "download a copy, ask for a correction or deletion, withdraw consent or restrict "
            "processing.",
        ),
        K.COMPLAINTS: (
            "Bạn có thể khiếu nại hoặc gửi bất kỳ yêu cầu nào về dữ liệu (kể cả về việc lộ lọt dữ "
            "liệu) qua bất kỳ kênh nào ở trên, bằng thư hoặc trực tiếp tại văn phòng. Mỗi yêu cầu, "
            "dù đến qua kênh nào, đều có mã số và thời hạn trả lời như nhau; chúng tôi trả lời bằng "
            "văn bản nêu rõ lý do và biện pháp khắc phục, qua kênh bạn sử dụng (tin nhắn SMS nếu "
            "bạn không dùng email).",
            "You can complain or make any request about your data (including about a leak) "
            "through any of the channels above, by letter or in person at our office. Every "
            "request, whichever way it reaches us, gets a reference number and the same "
            "deadlines; we answer in writing with the reason and the remedy, through the channel "
            "you use (SMS if you do not use email).",
        ),
        K.COOKIES: ("", ""),
        K.SENSITIVE: (
            "Chúng tôi không thu thập dữ liệu cá nhân nhạy cảm qua website. Cookie thống kê và tiếp "
            "thị có thể tạo dữ liệu theo dõi hành vi, là dữ liệu nhạy cảm, nên chỉ dùng khi bạn đồng ý.",
            "We do not collect sensitive personal data through this website. Analytics and "
            "marketing cookies can produce behavioural tracking data, which is sensitive, so they "
            "are used only with your consent.",
        ),
        K.SECURITY: ("", ""),
        K.BREACH: ("", ""),
        K.EXTERNAL_LINKS: (
            "Trang web này có thể có liên kết đến trang web của bên khác để bạn tham khảo. Chúng "
            "tôi không chịu trách nhiệm về nội dung hay cách các trang đó xử lý dữ liệu cá nhân: "
            "khi bạn rời trang web này, chính sách bảo mật của trang bạn đến sẽ áp dụng. Liên kết "
            "không gửi dữ liệu của bạn cho trang đó.",
            "This website may link to other parties' websites for your information. We are not "
            "responsible for their content or for how they handle personal data: once you leave "
            "this website, the privacy policy of the site you go to applies. A link sends none of "
            "your data to that site.",
        ),
        K.CHANGES: ("", ""),
    }
    sections.update(paragraphs or {})
    return [(key, vi, en) for key, (vi, en) in sections.items()]


@transaction.atomic
def consents_seed(*, publish: bool = True, paragraphs: dict | None = None) -> None:
    """Idempotent: creates what is missing, never changes what exists. ``publish=False``
    leaves the first policy version for later (a preset changes the registers first)."""
    transaction.on_commit(consents_cache_clear)
    transaction.on_commit(catalogue_clear)
    for order, (code, nvi, nen, dvi, den, basis, optional, channel, marketing) in enumerate(
        PURPOSES
    ):
        Purpose.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": nvi,
                "name_en": nen,
                "description_vi": dvi,
                "description_en": den,
                "legal_basis": basis,
                "optional": optional,
                "channel": channel,
                "is_marketing": marketing,
                "order": order,
            },
        )
    for order, (code, nvi, nen, dvi, den, required, cookies) in enumerate(COOKIE_CATEGORIES):
        category, created = CookieCategory.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": nvi,
                "name_en": nen,
                "description_vi": dvi,
                "description_en": den,
                "required": required,
                "order": order,
            },
        )
        if created:
            for name, pvi, pen, duration in cookies:
                Cookie.objects.create(
                    category=category,
                    name=name,
                    purpose_vi=pvi,
                    purpose_en=pen,
                    duration=duration,
                )
    CookiePolicyVersion.objects.get_or_create(number=1, defaults={"notes": "Initial version"})
    if publish and not PolicyVersion.objects.exists():
        facts = policy_facts()
        version = PolicyVersion.objects.create(
            number=1,
            status=PolicyVersion.Status.PUBLISHED,
            published_at=timezone.now(),
            effective_at=timezone.now(),
            summary_vi="Phiên bản đầu tiên.",
            summary_en="First version.",
            facts=facts,
            stores_data_abroad=bool(transfers_abroad(facts)),
        )
        for order, (key, vi, en) in enumerate(policy_sections(paragraphs)):
            PolicySection.objects.create(
                version=version, key=key, order=order, body_vi=vi, body_en=en
            )
