from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cms import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """{% site_sections as sections %}: sections.news and sections.events, the top-level index pages (or None)."""
    return selectors.site_sections(context.get("request"))


@register.filter
def iframe_title(embed_html, title):
    """Gives an embedded <iframe> the title screen readers announce (oEmbed providers rarely set one)."""
    if not embed_html:
        return ""
    embed_html = str(embed_html)
    if "<iframe" in embed_html and " title=" not in embed_html:
        embed_html = embed_html.replace("<iframe", f'<iframe title="{escape(title)}"', 1)
    return mark_safe(embed_html)  # noqa: S308 - the embed HTML comes from the oEmbed provider via Wagtail


@register.simple_tag
def page_description(page, length=200):
    """What a page says of itself when shared or listed: its SEO description, else its summary or introduction."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    for field in ("search_description", "summary", "introduction", "intro"):
        text = strip_tags(str(getattr(page, field, "") or "")).strip()
        if text:
            return Truncator(" ".join(text.split())).chars(length)
    return ""


@register.simple_tag(takes_context=True)
def page_absolute_url(context, page):
    """{% page_absolute_url page as url %}: the page's address on the site's real domain (canonical, OpenGraph)."""
    request = context.get("request")
    url = page.get_url(request=request) or "/"
    if url.startswith(("http://", "https://")):
        return url
    return selectors.site_base_url(request) + url


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """{% absolute_url path %}: a path of the site on its real domain (an absolute URL stays as it is)."""
    if path.startswith(("http://", "https://")):
        return path
    return selectors.site_base_url(context.get("request")) + path


@register.tag
def shared_for_anonymous(parser, token):
    """{% shared_for_anonymous "name" %}…{% endshared_for_anonymous %}: for an anonymous visitor, what is
    inside rendered once for every anonymous visitor of the site in their language and kept as a fragment
    (cms.selectors.shared_html: purged with the page cache); for a signed-in one, rendered each time.
    What is inside must depend on nothing else: no CSRF token, no page or request path, no message."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the fragment's name")
    nodelist = parser.parse(("endshared_for_anonymous",))
    parser.delete_first_token()
    return SharedForAnonymousNode(parser.compile_filter(bits[1]), nodelist)


class SharedForAnonymousNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        request = context.get("request")
        if request is None or not selectors.shares_fragments(request):
            return self.nodelist.render(context)
        return selectors.shared_html(self.name.resolve(context), request, lambda: (self.nodelist.render(context), None))
