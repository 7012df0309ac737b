"""A recorded oEmbed answer in Wagtail's Embed table, so pages with an embed never reach the network."""

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

VIDEO_URL = "https://video.example.org/w/atelier-reemploi"
VIDEO_HOST = "video.example.org"


def recorded_embed(url: str = VIDEO_URL, *, provider: str = "PeerTube Coopératif") -> Embed:
    return Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        provider_name=provider,
        title="Atelier réemploi",
        html=(
            f'<iframe width="560" height="315" src="https://{VIDEO_HOST}/videos/embed/atelier-reemploi"'
            ' frameborder="0" allowfullscreen></iframe>'
        ),
        width=560,
        height=315,
    )
