"""Index updates survive a search server that is down: the write commits, the update waits in the
outbox with its error, and once a server answers a drain delivers it."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from knowledge import services
from search import indexing
from search.documents import PUBLIC
from search.models import IndexOutbox
from tests.factories import AxisFactory, OrganisationFactory, PersonFactory, make_coordinator
from tests.search.support import DATABASE, available_configs, elasticsearch_config, use_backend

# Nothing listens on the discard port: connections are refused at once.
UNREACHABLE = elasticsearch_config("http://127.0.0.1:9")


@pytest.fixture
def people(db):
    # Not in the public directory: the record is the only thing these tests index.
    organisation = OrganisationFactory(name="Recyclerie du Val", in_public_directory=False)
    axis = AxisFactory(title="Économie circulaire")
    coordinator = PersonFactory()
    make_coordinator(coordinator, axis)
    return {"author": PersonFactory(organisation=organisation).user, "coordinator": coordinator.user, "axis": axis}


def publish_record(people, title="Réemploi des palettes"):
    record = services.best_practice_create(
        by=people["author"],
        organisation=people["author"].person.organisation,
        axis=people["axis"],
        title=title,
        summary="Les palettes de la zone repartent en atelier au lieu de la benne.",
        visibility="public",
    )
    services.best_practice_submit(record=record, by=people["author"])
    return services.best_practice_publish(record=record, by=people["coordinator"])


@pytest.mark.parametrize("config", available_configs())
def test_a_write_while_search_is_down_commits_and_is_found_once_a_server_answers_and_the_outbox_drains(
    people, settings, django_capture_on_commit_callbacks, config
):
    with use_backend(settings, UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        record = publish_record(people)

    record.refresh_from_db()
    assert record.status == "published"
    # One row per change (created, submitted, published), each tried once and kept with its error.
    waiting = list(IndexOutbox.objects.filter(doc_type="best_practice", object_id=str(record.pk)))
    assert len(waiting) == 3
    for row in waiting:
        assert row.action == "index" and row.attempts == 1
        assert "Connection refused" in row.last_error
        assert row.next_attempt_at > timezone.now()

    with use_backend(settings, config) as backend:
        assert indexing.drain(retry_now=True)["failed"] == 0
        backend.refresh()
        results = backend.search("palettes", grants=[PUBLIC])

    assert [hit.title for hit in results.hits] == ["Réemploi des palettes"]
    assert not IndexOutbox.objects.exists()


def test_failed_updates_wait_longer_after_each_attempt_and_are_not_retried_before_their_time(people, settings):
    with use_backend(settings, UNREACHABLE):
        publish_record(people)  # no on-commit drain here: the rows just wait
        assert indexing.drain()["failed"] == IndexOutbox.objects.count() > 0
        first = {row.pk: row.next_attempt_at for row in IndexOutbox.objects.all()}

        assert indexing.drain() == {"done": 0, "failed": 0, "remaining": len(first)}

        report = indexing.drain(retry_now=True)
        assert report["failed"] == len(first)
    for row in IndexOutbox.objects.all():
        assert row.attempts == 2
        assert row.next_attempt_at > first[row.pk]
    assert indexing.backoff(1) == datetime.timedelta(seconds=10)
    assert indexing.backoff(3) == datetime.timedelta(seconds=40)
    assert indexing.backoff(30) == datetime.timedelta(hours=1)


def test_the_drain_command_reports_what_it_sent_and_what_waits(people, settings, capsys):
    with use_backend(settings, UNREACHABLE):
        record = publish_record(people)
        call_command("drain_search_outbox")
    assert "0 update(s) sent" in capsys.readouterr().out

    with use_backend(settings, available_configs()[-1].values[0]) as backend:
        call_command("drain_search_outbox", "--retry-now")
        backend.refresh()
        assert [hit.id for hit in backend.search("palettes", grants=[PUBLIC]).hits] == [str(record.pk)]
    output = capsys.readouterr().out
    assert "update(s) sent, 0 failed, 0 waiting" in output


def test_rebuild_index_repairs_an_index_that_missed_updates(people, settings, capsys):
    with use_backend(settings, UNREACHABLE):
        record = publish_record(people, title="Mutualisation des bennes à carton")
    IndexOutbox.objects.all().delete()  # the updates are lost: the index has drifted

    with use_backend(settings, available_configs()[-1].values[0]) as backend:
        backend.refresh()
        assert backend.search("bennes", grants=[PUBLIC]).total == 0

        call_command("rebuild_index")
        backend.refresh()

        assert [hit.id for hit in backend.search("bennes", grants=[PUBLIC]).hits] == [str(record.pk)]
    captured = capsys.readouterr()
    # The record and the home page the migrations publish.
    assert "2 document(s) indexed" in captured.out
    assert "2/2 objects read, 2 documents indexed" in captured.err


def test_a_rolled_back_write_leaves_nothing_to_index(people, search_backend, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_record(people)
        raise RuntimeError("the request failed after the record was published")

    assert callbacks == []
    assert not IndexOutbox.objects.filter(doc_type="best_practice").exists()
    search_backend.refresh()
    assert search_backend.search("palettes", grants=[PUBLIC]).total == 0


def test_a_failed_drain_queues_its_own_retry_for_when_the_rows_are_due(people, settings):
    """In production (the database task backend, run by the worker), a retry does not wait for the next write."""
    from django_tasks_db.models import DBTaskResult

    from search.tasks import drain_outbox

    with use_backend(settings, UNREACHABLE):
        publish_record(people)  # three rows, not drained: the test's transaction never commits
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        report = drain_outbox.call()

    # The record's three rows, and those of the organisations the fixture created.
    assert report["failed"] == report["remaining"] == IndexOutbox.objects.count() >= 3
    due = min(row.next_attempt_at for row in IndexOutbox.objects.all())
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "search.tasks.drain_outbox" and retry.status == "READY"
    assert abs((retry.run_after - due).total_seconds()) < 1


class BrokenQueue(DatabaseBackend):
    """The production task backend refusing the search drains (a stub for this one fault)."""

    def enqueue(self, task, args, kwargs):
        if task.module_path == "search.tasks.drain_outbox":
            raise DatabaseError("could not write the task table")
        return super().enqueue(task, args, kwargs)


def drains() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="search.tasks.drain_outbox").count()


@pytest.fixture
def queued_tasks(settings):
    """Tasks queued in the database, as in production (the worker is not running: they wait)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    indexing.drain_window.reset()
    yield
    indexing.drain_window.reset()


def test_a_burst_of_writes_queues_one_drain_a_moment_later_and_it_finds_every_row(
    people, settings, queued_tasks, django_capture_on_commit_callbacks
):
    """A burst of chat messages no longer costs one queued task each: one drain covers a short window."""
    from django_tasks_db.models import DBTaskResult

    from search.tasks import drain_outbox

    settings.SEARCH_DRAIN_WINDOW = 1.0
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            publish_record(people, title=f"Réemploi des palettes {n}")

    drain = DBTaskResult.objects.get(task_path="search.tasks.drain_outbox")
    assert drain.status == "READY"
    assert 0 < (drain.run_after - timezone.now()).total_seconds() <= 1.0
    waiting = IndexOutbox.objects.count()
    assert waiting >= 12  # created, submitted, published: three rows per record

    # Whatever was committed before the drain runs is sent by it: nothing is left behind.
    with use_backend(settings, DATABASE):
        report = drain_outbox.call()
    assert report == {"done": waiting, "failed": 0, "remaining": 0}
    assert not IndexOutbox.objects.exists()


def test_a_write_after_the_window_queues_the_next_drain_and_no_window_means_one_per_write(
    people, settings, queued_tasks, django_capture_on_commit_callbacks
):

    settings.SEARCH_DRAIN_WINDOW = 0.3  # covers 0.15 s of writes (the margin is half of it)
    with django_capture_on_commit_callbacks(execute=True):
        publish_record(people, title="Réemploi des palettes")
    time.sleep(0.2)
    with django_capture_on_commit_callbacks(execute=True):
        publish_record(people, title="Réemploi des cartons")
    assert drains() == 2  # three commits each, one drain each

    settings.SEARCH_DRAIN_WINDOW = 0
    for title in ("Réemploi des bâches", "Réemploi des fûts"):
        with django_capture_on_commit_callbacks(execute=True):
            publish_record(people, title=title)
    assert drains() == 2 + 6  # one per commit: created, submitted, published, for each record


def test_a_failed_queue_leaves_the_window_open_and_the_rows_waiting(
    people, settings, queued_tasks, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "tests.search.test_outbox.BrokenQueue"}}
    with django_capture_on_commit_callbacks(execute=True):
        record = publish_record(people)
    assert IndexOutbox.objects.filter(object_id=str(record.pk)).count() == 3

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        publish_record(people, title="Réemploi des cartons")
    assert drains() == 1
