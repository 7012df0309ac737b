"""The indexing outbox, and the database backend's own index."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxAction(models.TextChoices):
    INDEX = "index", _("Index")
    DELETE = "delete", _("Delete")


class IndexOutbox(models.Model):
    """An index update waiting to reach the search backend.

    Written in the same transaction as the change it follows, so a change committed is an update
    queued, whether or not the search server answers; drained (and deleted) once the backend took it.
    """

    action = models.CharField(_("action"), max_length=6, choices=OutboxAction.choices)
    doc_type = models.CharField(_("type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("index update")
        verbose_name_plural = _("index updates")

    def __str__(self):
        return f"{self.action} {self.doc_type}:{self.object_id}"


class SearchEntry(models.Model):
    """One SearchDocument as the database backend stores it.

    The *_terms columns hold the Python analysis (search/text.py: folded, stemmed, without stop
    words) between spaces and serve SQLite and more-like-this; on PostgreSQL `vector` holds the same
    text analysed by the database's French configuration.
    """

    doc_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=500, blank=True)
    tags_text = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    created = models.DateTimeField(null=True, blank=True)
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    title_prefix = models.TextField(blank=True)
    vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_entry_unique")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.doc_type}:{self.object_id}"


class SearchEntryGrant(models.Model):
    """One grant that shows the entry: its visibility, one row per grant."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="grants")
    grant = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "grant"], name="search_entry_grant_unique")]

    def __str__(self):
        return self.grant


class SearchEntryFacet(models.Model):
    """One value of one of the facets the apps registered (search.registry.register_facet)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facet_values")
    field = models.CharField(max_length=40)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "field", "value"], name="search_entry_facet_unique")]
        indexes = [models.Index(fields=["field", "value"], name="search_facet_value")]

    def __str__(self):
        return f"{self.field}={self.value}"


class SearchEntryTag(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "name"], name="search_entry_tag_unique")]

    def __str__(self):
        return self.name


class SearchLog(models.Model):
    """One search made on the results page, without anyone in it: no user, no address, no session,
    only the day. What the cluster lacks shows in the searches that find nothing (search.insights).

    `facet_values` holds the facet values of the filters used and of the first page's results, one
    "field=value" per line between newlines ("\\naxis=2. Économie circulaire\\n"), so a coordinator's
    report finds the searches of their axis with a plain `contains` on any database.
    """

    day = models.DateField(_("day"), default=timezone.localdate, db_index=True)
    query = models.CharField(_("search"), max_length=200, db_index=True)
    results = models.PositiveIntegerField(_("results"))
    clicked_rank = models.PositiveIntegerField(_("rank clicked"), null=True, blank=True)
    facet_values = models.TextField(blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("search made")
        verbose_name_plural = _("searches made")

    def __str__(self):
        return f"{self.day} {self.query} ({self.results})"


class SynonymRule(models.Model):
    """One rule of the French synonyms applied when searching, as the administrators keep them.

    Written in Solr's format ("dechet, ordure" makes the words equivalent, "covoit => covoiturage"
    rewrites the left side into the right). Elasticsearch holds them in a synonyms set used by the
    search analyser only, so a change applies to the next search without rebuilding the index; the
    outbox carries it there (search.indexing.schedule_synonyms), so a change made while the search server
    is down is applied when it is back.
    """

    rule = models.CharField(
        _("words"),
        max_length=500,
        unique=True,
        help_text=_(
            "Words separated by commas find each other (“déchet, ordure”); “covoit => covoiturage” "
            "searches the right side when the left one is typed. Applied to the next searches."
        ),
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Why this rule (for the other administrators).")
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["rule"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return self.rule
