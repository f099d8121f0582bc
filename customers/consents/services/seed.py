"""Purposes, cookie categories and the first published policy: the data every install needs."""

from django.conf import settings
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


def policy_sections():
    org = settings.ORGANISATION
    contacts_vi = f"{org['name']}, {org['address']}. Email: {org['email']}. Điện thoại: {org['phone']}. Mã số thuế: {org['tax_code']}."
    contacts_en = f"{org['name']}, {org['address']}. Email: {org['email']}. Phone: {org['phone']}. Tax code: {org['tax_code']}."
    K = PolicySection.Key
    return [
        (
            K.CONTROLLER,
            f"{org['name']} là bên kiểm soát và xử lý dữ liệu cá nhân của khách hàng theo Luật Bảo "
            "vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định 356/2025/NĐ-CP.",
            f"{org['name']} is the controller and processor of its customers' personal data under "
            "Law 91/2025/QH15 on Personal Data Protection and Decree 356/2025/ND-CP.",
        ),
        (
            K.PURPOSE_SCOPE,
            "Chúng tôi thu thập: họ tên, tên doanh nghiệp, mã số thuế, người liên hệ, email, số điện "
            "thoại (di động, nhà riêng, cơ quan), địa chỉ (nhà riêng, cơ quan), ghi chú và tùy chọn "
            "bạn gửi kèm yêu cầu, địa chỉ IP khi gửi biểu mẫu và cookie. Chúng tôi chỉ thu thập qua "
            "biểu mẫu trên website và khi nhân viên ghi lại thông tin bạn cung cấp qua điện thoại.",
            "We collect: full name, business name, tax code, contact person, email, phone numbers "
            "(mobile, home, office), addresses (home, office), the notes and options you send with a "
            "request, the IP address of a web form submission, and cookies. We collect only "
            "through the forms on this website and when staff record what you tell us by phone.",
        ),
        (
            K.SCOPE_OF_USE,
            "Dữ liệu được dùng để cung cấp và hỗ trợ dịch vụ, gửi thông báo dịch vụ, lập hóa đơn. "
            "Tiếp thị, khảo sát, chia sẻ với đối tác và giới thiệu bạn là khách hàng tiêu biểu chỉ "
            "khi bạn đồng ý, từng mục riêng, và bạn có thể rút lại bất cứ lúc nào.",
            "Data is used to deliver and support the service, send service notices and issue "
            "invoices. Marketing, surveys, sharing with partners and publishing you as a reference "
            "happen only with your consent, given separately for each, which you can withdraw at "
            "any time.",
        ),
        (
            K.RETENTION,
            "Dữ liệu cá nhân được xóa khi bạn yêu cầu, khi dịch vụ kết thúc hoặc sau 12 tháng không "
            "phát sinh giao dịch. Chứng từ kế toán (hóa đơn, hợp đồng) được lưu 10 năm kể từ cuối "
            "năm tài chính theo Luật Kế toán; dữ liệu cần cho bảo hành được giữ đến hết bảo hành.",
            "Personal data is deleted on request, when the service ends or after 12 months without "
            "activity. Accounting documents (invoices, contracts) are kept 10 years from the end of "
            "the fiscal year under the Accounting Law; what a warranty needs is kept until it ends.",
        ),
        (
            K.ACCESS,
            "Chỉ nhân viên có nhiệm vụ được xem dữ liệu: ban giám đốc, kinh doanh, chăm sóc khách "
            "hàng; hỗ trợ kỹ thuật và kế toán chỉ xem phần cần cho công việc. Mọi nhân viên ký cam "
            "kết bảo mật, và mỗi lần xem dữ liệu đều được ghi nhật ký. Chúng tôi không cung cấp dữ "
            "liệu cho bên thứ ba khi chưa có sự đồng ý của bạn, trừ khi pháp luật bắt buộc.",
            "Only staff whose role needs it see your data: the board, sales and customer care; "
            "technical support and accounting see only their part. All staff sign a "
            "confidentiality agreement and every look at your data is logged. We never give data "
            "to third parties without your consent, unless the law requires it.",
        ),
        (K.COLLECTOR, contacts_vi, contacts_en),
        (
            K.RIGHTS,
            "Tại trang “Dữ liệu của tôi”, nhập email để nhận liên kết bảo mật: xem toàn bộ dữ liệu, "
            "tải bản sao, yêu cầu chỉnh sửa, xóa, rút lại đồng ý hoặc hạn chế xử lý. Chúng tôi phản "
            "hồi trong 02 ngày làm việc và thực hiện trong thời hạn luật định.",
            "On the “My data” page, enter your email to receive a secure link: see all your data, "
            "download a copy, ask for a correction or deletion, withdraw consent or restrict "
            "processing. We respond within 2 working days and act within the legal deadlines.",
        ),
        (
            K.COMPLAINTS,
            "Bạn có thể khiếu nại hoặc gửi bất kỳ yêu cầu nào về dữ liệu (kể cả về việc lộ lọt dữ "
            f"liệu) qua trang “Dữ liệu của tôi”, email {org['email']}, điện thoại {org['phone']}, "
            "thư hoặc trực tiếp tại văn phòng. Mỗi yêu cầu, dù đến qua kênh nào, đều có mã số và "
            "thời hạn trả lời như nhau; chúng tôi trả lời bằng văn bản nêu rõ lý do và biện pháp "
            "khắc phục, qua kênh bạn sử dụng (tin nhắn SMS nếu bạn không dùng email).",
            "You can complain or make any request about your data (including about a leak) "
            f"through the “My data” page, by email to {org['email']}, by phone on {org['phone']}, "
            "by letter or in person at our office. Every request, whichever way it reaches us, "
            "gets a reference number and the same deadlines; we answer in writing with the reason "
            "and the remedy, through the channel you use (SMS if you do not use email).",
        ),
        (
            K.SENSITIVE,
            "Chúng tôi không thu thập dữ liệu cá nhân nhạy cảm qua website. Cookie thống kê và tiếp "
            "thị có thể tạo dữ liệu theo dõi hành vi, là dữ liệu nhạy cảm, nên chỉ dùng khi bạn đồng ý.",
            "We do not collect sensitive personal data through this website. Analytics and "
            "marketing cookies can produce behavioural tracking data, which is sensitive, so they "
            "are used only with your consent.",
        ),
        (
            K.ABROAD,
            "Dữ liệu được lưu trữ tại Việt Nam. Chúng tôi không chuyển dữ liệu ra nước ngoài.",
            "Data is stored in Viet Nam. We do not transfer it abroad.",
        ),
        (
            K.EXTERNAL_LINKS,
            "Trang web này có thể có liên kết đến trang web của bên khác để bạn tham khảo. Chúng "
            "tôi không chịu trách nhiệm về nội dung hay cách các trang đó xử lý dữ liệu cá nhân: "
            "khi bạn rời trang web này, chính sách bảo mật của trang bạn đến sẽ áp dụng. Liên kết "
            "không gửi dữ liệu của bạn cho trang đó.",
            "This website may link to other parties' websites for your information. We are not "
            "responsible for their content or for how they handle personal data: once you leave "
            "this website, the privacy policy of the site you go to applies. A link sends none of "
            "your data to that site.",
        ),
    ]


@transaction.atomic
def consents_seed() -> None:
    """Idempotent: creates what is missing, never changes what exists."""
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
    if not PolicyVersion.objects.exists():
        version = PolicyVersion.objects.create(
            number=1,
            status=PolicyVersion.Status.PUBLISHED,
            published_at=timezone.now(),
            summary_vi="Phiên bản đầu tiên.",
            summary_en="First version.",
        )
        for order, (key, vi, en) in enumerate(policy_sections()):
            PolicySection.objects.create(
                version=version, key=key, order=order, body_vi=vi, body_en=en
            )
