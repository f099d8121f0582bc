"""Plain-text templates (email text parts and subjects, SMS, notices to the authority).

Django's template engine escapes for HTML: rendered as text, a name like "Lê & O'Brien" would
read "Lê &amp; O&#x27;Brien". These are rendered with autoescaping off; only their HTML
twins escape.
"""

from django.template import Context, engines


def render_text(template_name: str, context: dict) -> str:
    template = engines["django"].get_template(template_name).template
    return template.render(Context(context, autoescape=False))
